import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowServingStore
import NumaflowSinker
import NumaflowTesting

/// A sink vertex: each read batch (in chunks of its `readBatchSize`) goes to the primary sink;
/// failed messages are retried under the vertex's `retryStrategy`, then handled as its
/// `onFailure` says; `fallback` answers go to the fallback sink and `onSuccess` answers to the
/// on-success sink; a nack sends the source message back. Every message written to a sink
/// that keeps what it gets (log, user-defined) becomes an output line naming the vertex.
final class SinkStep: VertexStep {
  /// One of the vertex's sinks.
  enum Target {
    case log, blackhole, serve
    case user(SinkTestClient)

    init(_ target: PipelineSpec.SinkTarget, connection: () -> TestConnection) {
      switch target {
      case .log: self = .log
      case .blackhole: self = .blackhole
      case .serve: self = .serve
      case .userDefined: self = .user(SinkTestClient(connection()))
      }
    }
  }

  /// A ServingPipeline's store, and the header that names a message's id in it.
  struct Store {
    var client: ServingStoreTestClient
    var idHeader: String
  }

  private let name: String
  private let retry: RetryStrategy
  private let primary: Target
  private let fallback: Target?
  private let onSuccess: Target?
  private let store: Store?
  private let batchSize: Int
  private let maxAttempts: Int
  private let ledger: RunLedger

  init(
    name: String, spec: PipelineSpec.Sink, servers: PipelineServers, idHeader: String, batchSize: Int,
    maxAttempts: Int, ledger: RunLedger
  ) {
    (self.name, self.retry, self.batchSize, self.maxAttempts, self.ledger) =
      (name, spec.retry, batchSize, maxAttempts, ledger)
    primary = Target(spec.primary) { servers.connection(name) }
    fallback = spec.fallback.map { Target($0) { servers.connection("\(name)/fallback") } }
    onSuccess = spec.onSuccess.map { Target($0) { servers.connection("\(name)/onSuccess") } }
    store = servers.servers[PipelineServers.servingStore].map { _ in
      Store(client: ServingStoreTestClient(servers.connection(PipelineServers.servingStore)), idHeader: idHeader)
    }
  }

  private var counts: VertexCounts {
    get { ledger.counts[name, default: VertexCounts()] }
    set { ledger.counts[name] = newValue }
  }

  func process(_ batch: [PipelineMessage], from upstream: String) async throws -> [PipelineMessage] {
    for start in stride(from: 0, to: batch.count, by: batchSize) {
      try await write(Array(batch[start..<min(batch.count, start + batchSize)]))
    }
    return []
  }

  private func write(_ chunk: [PipelineMessage]) async throws {
    var pending = chunk
    var toFallback: [PipelineMessage] = []
    var toOnSuccess: [PipelineMessage] = []
    var attempt = 0
    while !pending.isEmpty {
      let responses = try await send(pending, to: primary, role: "primary", retryCount: attempt)
      var failing: [(PipelineMessage, String)] = []
      for (message, status) in zip(pending, responses) {
        switch status {
        case .ok:
          written(message, role: nil)
        case .serve(let payload):
          var served = message
          served.value = payload ?? message.value
          try await serve(served)
          written(served, role: nil)
        case .failure(let reason):
          failing.append((message, reason))
        case .fallback:
          toFallback.append(message)
        case .onSuccess(let replacement):
          written(message, role: nil)
          var forwarded = message
          if let replacement {
            (forwarded.value, forwarded.keys, forwarded.userMetadata) =
              (replacement.value, replacement.keys, replacement.userMetadata)
          }
          toOnSuccess.append(forwarded)
        case .nack:
          ledger.nacked.insert(message.origin)
          counts.nacked += 1
        }
      }
      guard !failing.isEmpty else { break }
      attempt += 1
      let reasons = Set(failing.map(\.1)).sorted().joined(separator: "; ")
      if let steps = retry.steps, attempt > steps, retry.onFailure != .retry {
        counts.failed += failing.count
        if retry.onFailure == .drop {
          log("\(name): \(failing.count) messages failed \(attempt) times (\(reasons)): dropped (onFailure: drop)")
          counts.dropped += failing.count
        } else {
          log("\(name): \(failing.count) messages failed \(attempt) times (\(reasons)): to the fallback sink")
          toFallback += failing.map(\.0)
        }
        break
      }
      guard attempt < maxAttempts else {
        throw VertexFailure(
          vertex: name,
          error: ValidationFailure(
            "\(failing.count) messages still failed after \(attempt) attempts (\(reasons)); numa would go on "
              + "retrying (retryStrategy.onFailure: retry): give the sink a retryStrategy with steps and "
              + "onFailure drop or fallback, or --max-attempts"))
      }
      counts.retried += failing.count
      try await Task.sleep(for: retry.delay(beforeRetry: attempt))
      pending = failing.map(\.0)
    }
    try await writeWhole(toFallback, to: fallback, role: "fallback")
    try await writeWhole(toOnSuccess, to: onSuccess, role: "on_success")
  }

  /// A fallback or on-success write: the vertex must have that sink, and it must write every
  /// message.
  private func writeWhole(_ messages: [PipelineMessage], to target: Target?, role: String) async throws {
    guard !messages.isEmpty else { return }
    guard let target else {
      throw VertexFailure(
        vertex: name,
        error: ValidationFailure("\(messages.count) messages are due to the \(role) sink, but the vertex has none"))
    }
    let responses = try await send(messages, to: target, role: role, retryCount: 0)
    for (message, status) in zip(messages, responses) {
      switch status {
      case .ok: written(message, role: role)
      case .failure(let reason):
        throw VertexFailure(vertex: name, error: ValidationFailure("the \(role) sink failed a message: \(reason)"))
      default:
        throw VertexFailure(
          vertex: name, error: ValidationFailure("the \(role) sink answered \(status), which only a primary sink may"))
      }
    }
    if role == "fallback" { counts.fallback += messages.count } else { counts.onSuccess += messages.count }
  }

  private func send(
    _ messages: [PipelineMessage], to target: Target, role: String, retryCount: Int
  ) async throws -> [NumaflowSinker.Response.Status] {
    switch target {
    case .log, .blackhole:
      return messages.map { _ in .ok }
    case .serve:
      for message in messages { try await serve(message) }
      return messages.map { _ in .ok }
    case .user(let client):
      let datums = messages.map { $0.datum.retrying(retryCount) }
      let responses = try await failureNamed(role == "primary" ? name : "\(name) (\(role) sink)") {
        try await client.sink(datums)
      }
      return responses.map(\.status)
    }
  }

  /// Puts `message` in the serving store under its id, with this vertex as its origin, as
  /// numa's serve sink does.
  private func serve(_ message: PipelineMessage) async throws {
    guard let store else {
      throw VertexFailure(
        vertex: name, error: ValidationFailure("a result to serve, but the pipeline is no ServingPipeline with a store")
      )
    }
    let payload = Payload(origin: name, value: message.value)
    try await failureNamed(PipelineServers.servingStore) {
      try await store.client.put(id: Self.servingID(message, header: store.idHeader), payloads: [payload])
    }
  }

  /// The id a message is served under: its id header, or its source message's place.
  static func servingID(_ message: PipelineMessage, header: String) -> String {
    message.headers[header] ?? "\(message.origin.source)-\(message.origin.sequence)"
  }

  private func written(_ message: PipelineMessage, role: String?) {
    counts.written += 1
    let target = role == "fallback" ? fallback : role == "on_success" ? onSuccess : primary
    if case .blackhole = target { return }
    var line = OutputRecord(
      input: message.origin.inputLine, value: message.value, keys: message.keys, tags: nil,
      userMetadata: message.userMetadata, eventTime: message.eventTime)
    line.sink = name
    line.role = role
    if let store, case .serve = target {
      line.id = Self.servingID(message, header: store.idHeader)
    }
    ledger.write(line)
  }
}
