import GRPCCore

/// Reads one stream's requests as every stream loop does: the handshake first (when the shape
/// has one), then requests and ends of batches. Misuse (no handshake, a second handshake, a
/// request that cannot be handled) and unreadable input end the reading and are recorded on
/// the session, which answers what is in flight before the stream ends with their status.
package struct StreamReader<Request: Sendable, Response: Sendable> {
  /// What the loop gets from ``next()``.
  package enum Event {
    case request(id: String, Request)
    case endOfBatch
  }

  private var iterator: RPCAsyncSequence<Request, any Error>.AsyncIterator
  private let shape: StreamShape<Request, Response>
  private let session: StreamSession

  init(requests: RPCAsyncSequence<Request, any Error>, shape: StreamShape<Request, Response>, session: StreamSession) {
    self.iterator = requests.makeAsyncIterator()
    self.shape = shape
    self.session = session
  }

  /// Reads the handshake and sends the reply; `false` when the stream ended first or misused
  /// it (recorded). Streams without a handshake start at once.
  nonisolated(nonsending) mutating func handshake(replyingOn outbound: OutboundQueue<Response>) async throws -> Bool {
    guard let reply = shape.handshakeResponse else { return true }
    guard let first = try await iterator.next(isolation: #isolation) else { return false }
    let kind = shape.classify(first)
    guard case .handshake(sot: true) = kind else {
      session.violated(StreamStatus.missingHandshake(rpc: shape.rpc, got: StreamStatus.describe(kind)))
      return false
    }
    try await outbound.send(reply)
    return true
  }

  /// The next request or end of batch; `nil` when the client has half-closed, or when reading
  /// must stop (the reason is recorded on the session). After a fault the loops stop asking:
  /// ``StreamSession/begin()`` refuses to dispatch.
  ///
  /// `nonisolated(nonsending)`, as are the other calls a stream loop makes per request
  /// (``OutboundQueue/send(_:)``, ``StreamSession/waitUntilInFlight(below:)``): they run on the
  /// loop's executor instead of hopping to the generic one and back. Every such hop is a
  /// `swift_task_switch`, which takes the task's status-record lock when the task prefers an
  /// executor (the event loop, here): 17.1 switches per map request before, 14.1 after.
  nonisolated(nonsending) package mutating func next() async -> Event? {
    let request: Request
    do {
      guard let next = try await iterator.next(isolation: #isolation) else { return nil }
      request = next
    } catch {
      // Bytes that are not a request, or a stream the client cancelled: nothing more can be
      // read, but what was read is answered before the stream ends.
      if !Task.isCancelled { session.violated(StreamStatus.unreadable(rpc: shape.rpc, error)) }
      return nil
    }
    switch shape.classify(request) {
    case .request(let id):
      return .request(id: id, request)
    case .endOfBatch:
      return .endOfBatch
    case .handshake:
      session.violated(StreamStatus.secondHandshake(rpc: shape.rpc))
    case .invalid(let id, let problem):
      session.violated(StreamStatus.invalidRequest(rpc: shape.rpc, id: id, problem: problem))
    }
    return nil
  }
}
