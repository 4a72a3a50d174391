import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowMapper
import NumaflowSourceTransformer
import NumaflowTesting

/// One vertex's part in a run: what it does with each read batch, and at the end of the input.
protocol VertexStep: AnyObject {
  /// A batch arriving from `upstream`; returns what the vertex writes on.
  func process(_ batch: [PipelineMessage], from upstream: String) async throws -> [PipelineMessage]
  /// The input has ended: whatever the vertex still holds (open windows) comes out.
  func finish() async throws -> [PipelineMessage]
}

extension VertexStep {
  func finish() async throws -> [PipelineMessage] { [] }
}

/// What the steps of a run share: every vertex's counts, the origins nacked in the current
/// batch, and the sinks' output lines.
final class RunLedger {
  var counts: [String: VertexCounts] = [:]
  /// Source messages some vertex nacked since the current source batch was read.
  var nacked: Set<PipelineMessage.Origin> = []
  /// Sink output lines, in the order written.
  var lines: [OutputRecord] = []
  let emit: (OutputRecord) -> Void

  init(emit: @escaping (OutputRecord) -> Void) { self.emit = emit }

  func write(_ line: OutputRecord) {
    lines.append(line)
    emit(line)
  }
}

/// A map, stream map or batch map vertex: each read batch (in chunks of its `readBatchSize`)
/// goes to the UDF; failed inputs (`Message.fail()`) are sent again as numa does with no
/// retryStrategy, up to `maxAttempts`; a nack goes back to the source; drops are counted.
final class MapStep: VertexStep {
  enum Kind: String { case map, mapstream, batchmap }

  private let name: String
  private let call: @Sendable ([Datum]) async throws -> [[NumaflowMapper.Message]]
  private let batchSize: Int
  private let maxAttempts: Int
  private let ledger: RunLedger

  init(name: String, kind: Kind, connection: TestConnection, batchSize: Int, maxAttempts: Int, ledger: RunLedger) {
    (self.name, self.batchSize, self.maxAttempts, self.ledger) = (name, batchSize, maxAttempts, ledger)
    switch kind {
    case .map: call = { try await MapTestClient(connection).map($0) }
    case .mapstream: call = { try await MapStreamTestClient(connection).mapStream($0) }
    case .batchmap: call = { try await BatchMapTestClient(connection).mapBatch($0) }
    }
  }

  func process(_ batch: [PipelineMessage], from upstream: String) async throws -> [PipelineMessage] {
    var written: [PipelineMessage] = []
    for start in stride(from: 0, to: batch.count, by: batchSize) {
      let chunk = Array(batch[start..<min(batch.count, start + batchSize)])
      let call = self.call
      let results = try await failureNamed(name) {
        try await playRetries(chunk.map(\.datum), strategy: nil, maxAttempts: maxAttempts, isFailure: \.isFail) {
          datums, _ in try await call(datums)
        }
      }
      for (message, outputs) in zip(chunk, results) {
        let outputs = (outputs ?? []).map {
          message.output(value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata)
        }
        written += settle(message, outputs: outputs, at: name, ledger: ledger)
      }
    }
    return written
  }
}

/// The built-in `cat`: every message on, unchanged.
final class CatStep: VertexStep {
  func process(_ batch: [PipelineMessage], from upstream: String) async throws -> [PipelineMessage] { batch }
}

/// A source's transformer, applied to each read before the source's watermark is computed, as
/// numa does: outputs take the event time the transformer gives. Counts go to the source vertex.
final class TransformerStep {
  private let name: String
  private let client: SourceTransformTestClient
  private let maxAttempts: Int
  private let ledger: RunLedger

  init(name: String, connection: TestConnection, maxAttempts: Int, ledger: RunLedger) {
    (self.name, self.maxAttempts, self.ledger) = (name, maxAttempts, ledger)
    client = SourceTransformTestClient(connection)
  }

  func transform(_ batch: [PipelineMessage]) async throws -> [PipelineMessage] {
    guard !batch.isEmpty else { return [] }
    let client = self.client
    let results = try await failureNamed("\(name) (transformer)") {
      try await playRetries(batch.map(\.datum), strategy: nil, maxAttempts: maxAttempts, isFailure: \.isFail) {
        datums, _ in try await client.transform(datums)
      }
    }
    var written: [PipelineMessage] = []
    for (message, outputs) in zip(batch, results) {
      let outputs = (outputs ?? []).map { output in
        var transformed = message.output(
          value: output.value, keys: output.keys, tags: output.tags, userMetadata: output.userMetadata)
        transformed.eventTime = output.eventTime
        return transformed
      }
      written += settle(message, outputs: outputs, at: name, ledger: ledger)
    }
    return written
  }
}

/// One input's outputs as numa treats them: a nack among them sends the input's source message
/// back (and nothing is written), drops are counted, the rest are written on.
func settle(
  _ input: PipelineMessage, outputs: [PipelineMessage], at vertex: String, ledger: RunLedger
) -> [PipelineMessage] {
  if outputs.contains(where: \.isNack) {
    ledger.nacked.insert(input.origin)
    ledger.counts[vertex, default: VertexCounts()].nacked += 1
    return []
  }
  let kept = outputs.filter { !$0.isDrop }
  ledger.counts[vertex, default: VertexCounts()].dropped += outputs.count - kept.count
  return kept
}

/// A vertex's UDF failed: the run stops, naming the vertex.
struct VertexFailure: Error, CustomStringConvertible {
  let vertex: String
  let error: any Error

  var description: String { "vertex \(vertex) failed: \(error)" }
}

func failureNamed<Result>(_ vertex: String, _ body: () async throws -> Result) async throws -> Result {
  do {
    return try await body()
  } catch let failure as VertexFailure {
    throw failure
  } catch {
    throw VertexFailure(vertex: vertex, error: error)
  }
}
