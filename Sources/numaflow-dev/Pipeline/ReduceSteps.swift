import Foundation
import NumaflowAccumulator
import NumaflowCore
import NumaflowReducer
import NumaflowSessionReducer
import NumaflowTesting

/// A reducer's watermark as numa keeps it (`rust/numaflow-core/src/reduce/reducer`): the lowest
/// of its upstream vertices' watermarks, each the highest its messages carried. A message whose
/// event time is below it is late and dropped.
struct VertexWatermark {
  private let upstreams: [String]
  private var byUpstream: [String: Date] = [:]
  private(set) var current = Date.distantPast

  init(upstreams: [String]) { self.upstreams = upstreams }

  /// Takes in `message`'s watermark; says whether the message is late.
  mutating func admit(_ message: PipelineMessage, from upstream: String) -> Bool {
    byUpstream[upstream] = max(byUpstream[upstream] ?? .distantPast, message.watermark)
    current = max(current, upstreams.map { byUpstream[$0] ?? .distantPast }.min() ?? .distantPast)
    return message.eventTime >= current
  }
}

/// A reduce or stream reduce vertex with fixed or sliding windows: messages join every window
/// their event time falls in; a window closes (its messages go to the UDF on a stream of its
/// own, as numa sends them) once the watermark passes its end, and every window closes at the
/// end of the input. Results carry the window's end less 1 ms as their event time, as numa's.
final class AlignedReduceStep: VertexStep {
  private let name: String
  private let client: ReduceTestClient
  private let windowing: Windowing
  private let ledger: RunLedger
  private var watermark: VertexWatermark
  private var open: [Window: [PipelineMessage]] = [:]

  init(name: String, connection: TestConnection, windowing: Windowing, upstreams: [String], ledger: RunLedger) {
    (self.name, self.windowing, self.ledger) = (name, windowing, ledger)
    client = ReduceTestClient(connection)
    watermark = VertexWatermark(upstreams: upstreams)
  }

  func process(_ batch: [PipelineMessage], from upstream: String) async throws -> [PipelineMessage] {
    var written: [PipelineMessage] = []
    for message in batch {
      guard watermark.admit(message, from: upstream) else {
        ledger.counts[name, default: VertexCounts()].late += 1
        continue
      }
      written += try await close(upTo: watermark.current)
      for window in windowing.windows(for: message.eventTime) { open[window, default: []].append(message) }
    }
    return written + (try await close(upTo: watermark.current))
  }

  func finish() async throws -> [PipelineMessage] { try await close(upTo: .distantFuture) }

  private func close(upTo watermark: Date) async throws -> [PipelineMessage] {
    let due = open.keys.filter { $0.end <= watermark }.sorted { ($0.end, $0.start) < ($1.end, $1.start) }
    var written: [PipelineMessage] = []
    for window in due {
      let messages = open.removeValue(forKey: window)!
      let results = try await failureNamed(name) { try await client.reduce(messages.map(\.datum), window: window) }
      ledger.counts[name, default: VertexCounts()].windowsClosed += 1
      let outputs = results.orderedByKeys(\.keys).map {
        windowResult(value: $0.value, keys: $0.keys, tags: $0.tags, window: window, vertex: name)
      }
      let kept = outputs.filter { !$0.isDrop }
      written += kept
      ledger.counts[name, default: VertexCounts()].dropped += outputs.count - kept.count
    }
    return written
  }
}

/// A session reduce or accumulator vertex: late messages (event time below the watermark) are
/// dropped, the rest are held and sent at the end of the input, where every session or key
/// closes. Results come from `reduce`: the messages written on, and the windows closed.
final class UnalignedReduceStep: VertexStep {
  typealias Reduce = ([PipelineMessage]) async throws -> (results: [PipelineMessage], closed: Int)

  private let name: String
  private let ledger: RunLedger
  private let reduce: Reduce
  private var watermark: VertexWatermark
  private var held: [PipelineMessage] = []

  init(name: String, upstreams: [String], ledger: RunLedger, reduce: @escaping Reduce) {
    (self.name, self.ledger, self.reduce) = (name, ledger, reduce)
    watermark = VertexWatermark(upstreams: upstreams)
  }

  func process(_ batch: [PipelineMessage], from upstream: String) async throws -> [PipelineMessage] {
    for message in batch {
      if watermark.admit(message, from: upstream) {
        held.append(message)
      } else {
        ledger.counts[name, default: VertexCounts()].late += 1
      }
    }
    return []
  }

  func finish() async throws -> [PipelineMessage] {
    guard !held.isEmpty else { return [] }
    let (results, closed) = try await failureNamed(name) { try await reduce(held) }
    ledger.counts[name, default: VertexCounts()].windowsClosed += closed
    let kept = results.filter { !$0.isDrop }
    ledger.counts[name, default: VertexCounts()].dropped += results.count - kept.count
    return kept
  }

  /// A session reducer: it merges and closes the sessions as numa does.
  static func session(name: String, connection: TestConnection, gap: Duration, upstreams: [String], ledger: RunLedger)
    -> UnalignedReduceStep
  {
    let client = SessionReduceTestClient(connection)
    return UnalignedReduceStep(name: name, upstreams: upstreams, ledger: ledger) { held in
      let outcome = try await client.reduce(held.map(\.datum), gap: gap)
      let results = outcome.outputs.sorted { $0.window.start < $1.window.start }.orderedByKeys(\.keys).map {
        windowResult(
          value: $0.message.value, keys: $0.message.keys, tags: $0.message.tags, window: $0.window, vertex: name)
      }
      return (results, outcome.closed.count)
    }
  }

  /// An accumulator: each key closes `timeout` after its last event time; outputs keep the
  /// event time and the input the accumulator gave them.
  static func accumulator(
    name: String, connection: TestConnection, timeout: Duration, upstreams: [String], ledger: RunLedger
  ) -> UnalignedReduceStep {
    let client = AccumulatorTestClient(connection)
    return UnalignedReduceStep(name: name, upstreams: upstreams, ledger: ledger) { held in
      // numa's ids are the input messages'; the outputs name theirs.
      let datums = held.enumerated().map { index, message in
        let datum = message.datum
        return Datum(
          id: "\(index)", keys: datum.keys, value: datum.value, eventTime: datum.eventTime, watermark: datum.watermark,
          headers: datum.headers, userMetadata: datum.userMetadata)
      }
      let outcome = try await client.accumulate(datums, timeout: timeout)
      let results = outcome.outputs.orderedByKeys(\.keys).map { output in
        let input = Int(output.message.id).flatMap { held.indices.contains($0) ? held[$0] : nil }
        var message = windowResult(
          value: output.message.value, keys: output.message.keys, tags: output.message.tags, window: output.window,
          vertex: name)
        message.eventTime = output.message.eventTime
        if let input { (message.origin, message.headers) = (input.origin, input.headers) }
        return message
      }
      return (results, outcome.closed.count)
    }
  }
}

/// A windowed result as numa writes it on: event time and watermark at the window's end less
/// 1 ms, no source message of its own.
private func windowResult(value: Data, keys: [String], tags: [String], window: Window, vertex: String)
  -> PipelineMessage
{
  let end = window.end.addingTimeInterval(-0.001)
  return PipelineMessage(
    keys: keys, value: value, eventTime: end, watermark: end, tags: tags,
    origin: .init(source: vertex, sequence: 0))
}
