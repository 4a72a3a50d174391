import GRPCCore
import Synchronization

/// One stream's state, shared by every stream loop: the first fault, the requests in the
/// handler, and how the stream ends.
///
/// - A handler error becomes a ``UDFFailure`` here, for the stream and for the server.
/// - Misuse by the client becomes a status that says what was wrong; the server keeps serving.
/// - After a fault nothing new is dispatched; the requests in flight finish and are answered,
///   then the stream ends with the fault.
package final class StreamSession: Sendable {
  package enum Fault: Sendable {
    case udf(UDFFailure)
    case protocolViolation(RPCError)

    var rpcError: RPCError {
      switch self {
      case .udf(let failure): failure.rpcError
      case .protocolViolation(let error): error
      }
    }
  }

  private struct State {
    var inFlight = 0
    var fault: Fault?
    /// The reading loop, waiting for fewer than `limit` requests in flight.
    var waiter: (limit: Int, continuation: CheckedContinuation<Void, Never>)?
  }

  /// The RPC's name, for statuses.
  package let rpc: String
  /// How errors name the user's code.
  package let handlerName: String
  package let lifecycle: ServerLifecycle
  /// How many requests may be in the handler at once.
  package let maxInFlight: Int
  private let state = Mutex(State())
  /// Signalled once a fault is recorded and nothing is left in flight.
  package let drained = OneShotEvent()

  package init(rpc: String, handlerName: String, maxInFlight: Int?, lifecycle: ServerLifecycle) {
    self.rpc = rpc
    self.handlerName = handlerName
    self.lifecycle = lifecycle
    self.maxInFlight = maxInFlight ?? lifecycle.configuration.maxConcurrentRequests
  }

  package var fault: Fault? { state.withLock { $0.fault } }

  /// Turns an error the handler threw for `subject` into the stream's fault and the server's
  /// UDF failure. An error from a stream that the client cancelled or closed is not the
  /// handler's fault, and is ignored; so is one that comes after the grace period is over,
  /// when every stream has been cancelled (a worker process stopped then fails what it held,
  /// and its failure reaches a callback, not a cancelled task).
  package func handlerFailed(_ error: any Error, subject: String) {
    if Task.isCancelled || error is StreamEnded || lifecycle.forcedStop.isSignalled { return }
    if let unreadable = error as? UnreadableRequest {
      // Found where the request was decoded, in a worker process: numa's input, not the handler.
      return violated(StreamStatus.unreadable(rpc: rpc, unreadable))
    }
    record(
      UDFFailure(
        containerType: lifecycle.configuration.udContainerType, handler: handlerName, subject: subject, error: error))
  }

  /// Records a UDF failure the handler caused (a wrong answer, say) for the stream and the server.
  package func record(_ failure: UDFFailure) {
    record(.udf(failure))
    lifecycle.recordFailure(failure)
  }

  /// Records that the client misused the stream.
  package func violated(_ status: RPCError) {
    record(.protocolViolation(status))
  }

  /// Counts a request in; `false` once a fault stops dispatching.
  package func begin() -> Bool {
    state.withLock { state in
      guard state.fault == nil else { return false }
      state.inFlight += 1
      return true
    }
  }

  /// Counts `count` requests out.
  package func end(_ count: Int = 1) {
    let (isDrained, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
      state.inFlight -= count
      var waiter: CheckedContinuation<Void, Never>?
      if let waiting = state.waiter, state.inFlight < waiting.limit {
        waiter = waiting.continuation
        state.waiter = nil
      }
      return (state.fault != nil && state.inFlight == 0, waiter)
    }
    waiter?.resume()
    if isDrained { drained.signal() }
  }

  /// Suspends until fewer than `limit` requests are in flight, or the task is cancelled. One
  /// waiter at a time: the loop that reads the stream.
  nonisolated(nonsending) package func waitUntilInFlight(below limit: Int) async {
    // Below the bound, as nearly always: no continuation and no cancellation handler. Paid for
    // every request, their task switches and locks cost sync mode 14% of its CPU per message
    // with a client that writes each request alone (20.3 -> 17.5 us, map, 100 B).
    guard state.withLock({ $0.inFlight >= limit }) else { return }
    await suspend { continuation in
      state.withLock { state -> Bool in
        guard state.inFlight >= limit, !Task.isCancelled else { return false }
        state.waiter = (limit, continuation)
        return true
      }
    } onCancel: {
      let waiter = state.withLock { state in
        defer { state.waiter = nil }
        return state.waiter?.continuation
      }
      waiter?.resume()
    }
  }

  /// Keeps the first fault; the stream ends with it once in-flight requests are answered.
  private func record(_ fault: Fault) {
    let isDrained = state.withLock { state in
      if state.fault == nil { state.fault = fault }
      return state.inFlight == 0
    }
    if isDrained { drained.signal() }
  }
}

/// Serves one stream with the parts every stream loop shares: the handshake, classified
/// reading (``StreamReader``), the session's faults and bound, and the end: the stream ends
/// early once a fault has drained or the grace period is over, and with the fault's status.
///
/// `body` reads the requests and dispatches them; it returns when the reader is done.
package func serveStream<Request: Sendable, Response: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  outbound: OutboundQueue<Response>,
  shape: StreamShape<Request, Response>,
  handlerName: String,
  lifecycle: ServerLifecycle,
  body: @escaping @Sendable (inout StreamReader<Request, Response>, StreamSession) async throws -> Void
) async throws {
  let session = StreamSession(
    rpc: shape.rpc, handlerName: handlerName, maxInFlight: shape.maxInFlight, lifecycle: lifecycle)
  let finished = try await runUntil(session.drained, lifecycle.forcedStop) {
    var reader = StreamReader(requests: requests, shape: shape, session: session)
    guard try await reader.handshake(replyingOn: outbound) else { return }
    try await body(&reader, session)
    // Work handed to handler threads is not in any task group: wait for it too.
    await session.waitUntilInFlight(below: 1)
  }
  if let fault = session.fault {
    throw fault.rpcError
  }
  if !finished {
    throw StreamStatus.gracePeriodOver(rpc: shape.rpc)
  }
}

/// Runs `body` until it returns (`true`) or one of `stops` is signalled (`false`; `body` is
/// then cancelled).
package func runUntil(
  _ stops: OneShotEvent...,
  body: @escaping @Sendable () async throws -> Void
) async throws -> Bool {
  try await withThrowingTaskGroup(of: Bool.self) { group in
    group.addTask {
      await withTaskGroup(of: Void.self) { waiters in
        for stop in stops { waiters.addTask { await stop.wait() } }
        await waiters.next()
        waiters.cancelAll()
      }
      return false
    }
    group.addTask {
      try await body()
      return true
    }
    let finished = try await group.next() ?? true
    group.cancelAll()
    return finished
  }
}
