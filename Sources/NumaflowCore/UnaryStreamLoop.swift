import GRPCCore
import NIOPosix
import Synchronization

/// How a kind's bidirectional stream looks to ``serveOneResponsePerRequest(requests:responses:shape:handler:lifecycle:)``.
package struct StreamShape<Request: Sendable, Response: Sendable>: Sendable {
  /// What a request on the stream is.
  package enum Kind: Sendable {
    case handshake(sot: Bool)
    case request(id: String)
    /// A request that cannot be handled: `problem` says why.
    case invalid(id: String, problem: String)
  }

  /// The RPC's name for error messages ("MapFn").
  package var rpc: String
  package var classify: @Sendable (Request) -> Kind
  /// The first message the server sends: the handshake reply.
  package var handshakeResponse: Response
  /// The payload bytes a response carries, for pacing (``OutboundQueue``).
  package var cost: @Sendable (Response) -> Int

  package init(
    rpc: String,
    classify: @escaping @Sendable (Request) -> Kind,
    handshakeResponse: Response,
    cost: @escaping @Sendable (Response) -> Int
  ) {
    self.rpc = rpc
    self.classify = classify
    self.handshakeResponse = handshakeResponse
    self.cost = cost
  }
}

/// Serves a stream on which every request gets exactly one response (unary map, source
/// transform): handshake first, then requests handled concurrently and answered by id as soon
/// as each is done.
///
/// - At most `maxConcurrentRequests` requests are in the handler; at the cap the loop stops
///   reading, so HTTP/2 flow control pushes back on numa.
/// - When the client half-closes, in-flight requests finish and the RPC ends OK.
/// - When a handler fails, no further request is dispatched; those in flight finish and are
///   answered; then the RPC ends with the failure (INTERNAL, `UDF_EXECUTION_ERROR`) and the
///   server shuts down. Numa re-drives whatever was not answered.
/// - Misuse by the client (no handshake, a second handshake, a request without payload) ends
///   this RPC with a status that says what was wrong; the server keeps serving.
/// - After SIGTERM the stream keeps being served until numa closes it or the grace period ends.
/// - Responses leave through an ``OutboundQueue``, written together as they gather.
package func serveOneResponsePerRequest<Request: Sendable, Response: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  responses: RPCWriter<Response>,
  shape: StreamShape<Request, Response>,
  handler: RequestHandler<Request, Response>,
  lifecycle: ServerLifecycle
) async throws {
  try await OutboundQueue.withQueue(writingTo: responses, lifecycle: lifecycle, cost: shape.cost) { outbound in
    try await serveOneResponsePerRequest(
      requests: requests, outbound: outbound, shape: shape, handler: handler, lifecycle: lifecycle)
  }
}

/// ``serveOneResponsePerRequest(requests:responses:shape:handler:lifecycle:)`` on a queue the
/// caller made, for kinds whose handlers also send through it (a stream map's outputs).
package func serveOneResponsePerRequest<Request: Sendable, Response: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  outbound: OutboundQueue<Response>,
  shape: StreamShape<Request, Response>,
  handler: RequestHandler<Request, Response>,
  lifecycle: ServerLifecycle
) async throws {
  let stream = StreamFaults()
  let cap = lifecycle.configuration.maxConcurrentRequests
  let containerType = lifecycle.configuration.udContainerType

  /// Turns a handler's error into the stream's fault and the server's UDF failure.
  @Sendable func fail(_ error: any Error, id: String) {
    let failure = UDFFailure(containerType: containerType, handler: handler.name, requestID: id, error: error)
    stream.record(.udf(failure))
    lifecycle.recordFailure(failure)
  }

  /// Sends the response to one dispatched request, or fails the stream with its error.
  @Sendable func answer(_ outcome: Result<Response, any Error>, id: String) async {
    defer { stream.end() }
    switch outcome {
    case .success(let response):
      // If numa has gone, the read side ends the stream; nothing to do here.
      try? await outbound.send(response)
    case .failure(let error):
      // A stream the client cancelled or closed is not the handler's fault.
      if Task.isCancelled || error is StreamEnded { return }
      fail(error, id: id)
    }
  }

  // Ends the stream early once a fault has drained, or when the grace period is over.
  let finished = try await runUntil(stream.drained, lifecycle.forcedStop) {
    var iterator = requests.makeAsyncIterator()
    guard let first = try await iterator.next() else { return }
    guard case .handshake(sot: true) = shape.classify(first) else {
      stream.record(.protocolViolation(missingHandshake(rpc: shape.rpc, got: describe(shape.classify(first)))))
      return
    }
    try await outbound.send(shape.handshakeResponse)

    try await withThrowingTaskGroup(of: Void.self) { handlers in
      var unreaped = 0
      while true {
        let request: Request
        do {
          guard let next = try await iterator.next() else { break }
          request = next
        } catch {
          // Bytes that are not a request: nothing more can be read from this stream, but
          // what was read is answered before it ends.
          stream.record(.protocolViolation(unreadable(rpc: shape.rpc, error)))
          break
        }
        let id: String
        switch shape.classify(request) {
        case .request(let requestID):
          id = requestID
        case .handshake:
          stream.record(.protocolViolation(secondHandshake(rpc: shape.rpc)))
          continue
        case .invalid(let requestID, let problem):
          stream.record(.protocolViolation(invalidRequest(rpc: shape.rpc, id: requestID, problem: problem)))
          continue
        }
        // After a fault nothing new is dispatched; numa re-drives what was not answered.
        guard stream.begin() else { continue }
        if let inline = handler.inline {
          await answer(Result { try inline(request) }, id: id)
          continue
        }
        if let offload = handler.offload {
          // Sync mode: straight to a handler thread, which sends the response itself.
          offload.threads.submit { state in
            defer { stream.end() }
            // Threads that are stopping run nothing more; numa re-sends what was not answered.
            guard state == .active else { return }
            do { outbound.enqueue(try offload.run(request)) } catch { fail(error, id: id) }
          }
          await stream.waitUntilInFlight(below: cap)
          continue
        }
        if unreaped >= cap {
          try await handlers.next()
          unreaped -= 1
        }
        unreaped += 1
        handlers.addTask {
          let outcome: Result<Response, any Error>
          do { outcome = .success(try await handler.call(request)) } catch { outcome = .failure(error) }
          await answer(outcome, id: id)
        }
      }
      // Work handed to handler threads is not in the task group: wait for it too.
      await stream.waitUntilInFlight(below: 1)
    }
  }

  if let fault = stream.fault {
    throw fault.rpcError
  }
  if !finished {
    throw gracePeriodOver(rpc: shape.rpc)
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

/// The status for a stream whose first message was not a handshake.
package func missingHandshake(rpc: String, got: String) -> RPCError {
  RPCError(
    code: .failedPrecondition,
    message: "\(rpc): the first message must be a handshake with sot=true; got \(got). Nothing was processed."
  )
}

/// The status for a stream on which a second handshake arrived.
func secondHandshake(rpc: String) -> RPCError {
  RPCError(
    code: .failedPrecondition,
    message: "\(rpc): a second handshake arrived on a stream that had already started; "
      + "requests in flight were answered, the rest were not processed."
  )
}

/// The status for a request the server cannot handle.
func invalidRequest(rpc: String, id: String, problem: String) -> RPCError {
  RPCError(
    code: .invalidArgument,
    message: "\(rpc): request '\(id)' is invalid: \(problem); "
      + "requests in flight were answered, the rest were not processed."
  )
}

/// The status for a stream on which a message could not be read (it did not decode, or was
/// over the size limit).
package func unreadable(rpc: String, _ error: any Error) -> RPCError {
  let reason = (error as? RPCError).map { "\($0.code): \($0.message)" } ?? String(describing: error)
  return RPCError(
    code: (error as? RPCError)?.code ?? .invalidArgument,
    message: "\(rpc): a message on the stream could not be read (\(reason)); "
      + "requests before it were answered, the rest were not processed."
  )
}

/// The status for a stream still open when the shutdown grace period ended.
package func gracePeriodOver(rpc: String) -> RPCError {
  RPCError(
    code: .unavailable,
    message: "\(rpc): the server is shutting down and its grace period is over; unanswered requests must be sent again."
  )
}

private func describe<Request, Response>(_ kind: StreamShape<Request, Response>.Kind) -> String {
  switch kind {
  case .handshake: "a handshake with sot=false"
  case .request(let id): "a request with id '\(id)'"
  case .invalid(let id, _): "a request with id '\(id)'"
  }
}

/// What went wrong on one stream, and how many requests are still in the handler.
final class StreamFaults: Sendable {
  enum Fault: Sendable {
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

  private let state = Mutex(State())
  /// Signalled once a fault is recorded and nothing is left in flight.
  let drained = OneShotEvent()

  var fault: Fault? { state.withLock { $0.fault } }

  /// Counts a request in; `false` once a fault stops dispatching.
  func begin() -> Bool {
    state.withLock { state in
      guard state.fault == nil else { return false }
      state.inFlight += 1
      return true
    }
  }

  func end() {
    let (isDrained, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
      state.inFlight -= 1
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
  func waitUntilInFlight(below limit: Int) async {
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let resumeNow = state.withLock { state -> Bool in
          guard state.inFlight >= limit, !Task.isCancelled else { return true }
          state.waiter = (limit, continuation)
          return false
        }
        if resumeNow { continuation.resume() }
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
  func record(_ fault: Fault) {
    let isDrained = state.withLock { state in
      if state.fault == nil { state.fault = fault }
      return state.inFlight == 0
    }
    if isDrained { drained.signal() }
  }
}
