import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowSourcer
import NumaflowTesting

/// Where a source vertex's messages come from, read a batch at a time as numa reads them.
protocol SourceFeed: AnyObject {
  /// The next read of at most `count` messages; empty once the source has no more.
  func read(count: Int) async throws -> [PipelineMessage]
  /// The messages were written on (numa acks them).
  func ack(_ origins: [PipelineMessage.Origin]) async throws
  /// A vertex nacked them: the source gives them again.
  func nack(_ origins: [PipelineMessage.Origin]) async throws
}

/// What a built-in source has given and not yet had acked: a nacked message is given again,
/// before anything new, as numa's built-in sources redeliver; one nacked on each of
/// `maxDeliveries` deliveries stops the run, where numa would give it again and again.
struct Redeliveries {
  private var given: [Int: PipelineMessage] = [:]
  private var again: [PipelineMessage] = []
  private var nacks: [Int: Int] = [:]
  let maxDeliveries: Int

  init(maxDeliveries: Int) { self.maxDeliveries = maxDeliveries }

  mutating func give(_ message: PipelineMessage) -> PipelineMessage {
    given[message.origin.sequence] = message
    return message
  }

  /// A nacked message, due again (give it to hand it out).
  mutating func nextAgain() -> PipelineMessage? { again.isEmpty ? nil : again.removeFirst() }

  mutating func ack(_ origins: [PipelineMessage.Origin]) {
    for origin in origins {
      given[origin.sequence] = nil
      nacks[origin.sequence] = nil
    }
  }

  mutating func nack(_ origins: [PipelineMessage.Origin]) throws {
    for origin in origins {
      nacks[origin.sequence, default: 0] += 1
      guard nacks[origin.sequence]! < maxDeliveries else {
        let name = origin.inputLine.map { "input line \($0 + 1)" } ?? "message \(origin.sequence)"
        throw ValidationFailure(
          "\(origin.source): \(name) was nacked on each of its \(maxDeliveries) deliveries; numa would deliver it "
            + "again and again (--max-attempts sets how many deliveries a run allows)")
      }
    }
    again += origins.compactMap { given.removeValue(forKey: $0.sequence) }
  }
}

/// `--input VERTEX=FILE`: the file's records, in order, with nacked ones given again first.
final class RecordFeed: SourceFeed {
  private var records: ArraySlice<PipelineMessage>
  private var redeliveries: Redeliveries

  init(vertex: String, records: [InputRecord.Fields], maxDeliveries: Int) {
    redeliveries = Redeliveries(maxDeliveries: maxDeliveries)
    self.records = ArraySlice(
      records.enumerated().map { line, record in
        PipelineMessage(
          keys: record.keys, value: record.value, eventTime: record.eventTime, watermark: .distantPast,
          headers: record.headers, origin: .init(source: vertex, sequence: line, inputLine: line))
      })
  }

  func read(count: Int) async throws -> [PipelineMessage] {
    var batch: [PipelineMessage] = []
    while batch.count < count, let message = redeliveries.nextAgain() ?? records.popFirst() {
      batch.append(redeliveries.give(message))
    }
    return batch
  }

  func ack(_ origins: [PipelineMessage.Origin]) async throws { redeliveries.ack(origins) }

  func nack(_ origins: [PipelineMessage.Origin]) async throws { try redeliveries.nack(origins) }
}

/// The built-in generator: `rpu` messages per `duration`, on a simulated clock from the run's
/// start time (tick k at start + k × duration, minus up to `jitter`), so a run takes no longer
/// than its work. The payload is the platform's JSON, `{"id":…,"value":…,"padding":[…]}`, or
/// `valueBlob`; keys `key-0`…`key-(keyCount-1)` in turn.
final class GeneratorFeed: SourceFeed {
  private let vertex: String
  private let spec: PipelineSpec.Generator
  private let start: Date
  private let total: Int
  private var made = 0
  private var redeliveries: Redeliveries
  private var generator = SystemRandomNumberGenerator()

  init(vertex: String, spec: PipelineSpec.Generator, start: Date, total: Int, maxDeliveries: Int) {
    (self.vertex, self.spec, self.start, self.total) = (vertex, spec, start, total)
    redeliveries = Redeliveries(maxDeliveries: maxDeliveries)
  }

  func read(count: Int) async throws -> [PipelineMessage] {
    var batch: [PipelineMessage] = []
    while batch.count < count, let message = redeliveries.nextAgain() { batch.append(redeliveries.give(message)) }
    // The platform's generator reads at most one tick's messages at a time.
    let keyCount = min(spec.keyCount, spec.rpu)
    let rpu = keyCount > 0 ? spec.rpu - spec.rpu % keyCount : spec.rpu
    while batch.count < count, made < total {
      let tick = made / rpu
      let jitter = max(1, Int(spec.jitter.components.seconds))
      let eventTime =
        start + Double(tick) * spec.duration.timeInterval - Double(spec.jitter > .zero ? Int.random(in: 0..<jitter) : 0)
      let keys = keyCount > 0 ? ["key-\(made % keyCount)"] : []
      let message = PipelineMessage(
        keys: keys, value: payload(eventTime: eventTime), eventTime: eventTime, watermark: .distantPast,
        origin: .init(source: vertex, sequence: made))
      batch.append(redeliveries.give(message))
      made += 1
      if made % rpu == 0 { break }
    }
    return batch
  }

  private func payload(eventTime: Date) -> Data {
    if let blob = spec.valueBlob { return blob }
    let nanoseconds = Int64((eventTime.timeIntervalSince1970 * 1e9).rounded())
    var json = #"{"id":"\#(nanoseconds)-0","value":\#(spec.value ?? nanoseconds)"#
    if spec.msgSize > 8 {
      let padding = (0..<(spec.msgSize - 8)).map { _ in String(UInt8.random(in: 0...255, using: &generator)) }
      json += #","padding":[\#(padding.joined(separator: ","))]"#
    }
    return Data((json + "}").utf8)
  }

  func ack(_ origins: [PipelineMessage.Origin]) async throws { redeliveries.ack(origins) }

  func nack(_ origins: [PipelineMessage.Origin]) async throws { try redeliveries.nack(origins) }
}

/// A user-defined source, read and acked on one pair of streams as numa does, until it gives
/// nothing for a second or `total` messages came.
final class UserSourceFeed: SourceFeed {
  private let vertex: String
  private var streams: SourceStreams
  private let client: SourceTestClient
  private let total: Int
  private var offsets: [Int: Offset] = [:]
  private var read = 0

  init(vertex: String, streams: SourceStreams, client: SourceTestClient, total: Int) {
    (self.vertex, self.streams, self.client, self.total) = (vertex, streams, client, total)
  }

  func read(count: Int) async throws -> [PipelineMessage] {
    guard read < total else { return [] }
    // An empty read is not the end: a source may have nothing for a moment (what it gives back
    // after a restart, say). The end is a second of empty reads.
    let deadline = ContinuousClock.now + .seconds(1)
    var messages: [NumaflowSourcer.Message] = []
    repeat {
      messages = try await streams.read(count: min(count, total - read), timeout: .seconds(1))
      if messages.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
    } while messages.isEmpty && ContinuousClock.now < deadline
    return messages.map { message in
      offsets[read] = message.offset
      defer { read += 1 }
      return PipelineMessage(
        keys: message.keys, value: message.value, eventTime: message.eventTime, watermark: .distantPast,
        headers: message.headers, userMetadata: message.userMetadata,
        origin: .init(source: vertex, sequence: read))
    }
  }

  /// The source's streams ended and new ones are open: whatever was read and not acked is
  /// the source's to give again.
  func restarted(streams: SourceStreams) {
    self.streams = streams
    offsets.removeAll()
  }

  func ack(_ origins: [PipelineMessage.Origin]) async throws {
    let acked = origins.compactMap { offsets.removeValue(forKey: $0.sequence) }
    if !acked.isEmpty { try await streams.ack(acked) }
  }

  func nack(_ origins: [PipelineMessage.Origin]) async throws {
    let nacked = origins.compactMap { offsets.removeValue(forKey: $0.sequence) }
    if !nacked.isEmpty { try await client.nack(nacked) }
  }
}
