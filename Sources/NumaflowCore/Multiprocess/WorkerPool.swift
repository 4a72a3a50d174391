import NIOCore

/// Multiprocess mode as a kind's handler sees it: requests of one type in, responses out, each
/// encoded for a worker process by `codec` and carried by a ``WorkerDispatcher``.
package struct WorkerPool<Request: Sendable, Response: Sendable>: Sendable {
  private let dispatcher: WorkerDispatcher
  private let codec: WorkerCodec<Request, Response>

  /// Starts the configured number of workers, runs `body` with the pool, then stops the
  /// workers: each finishes what it holds and exits; one that has not exited after the grace
  /// period is killed. A worker that cannot be started is a ``ConfigurationError``; the ones
  /// already started are stopped first.
  package static func withPool<Result: Sendable>(
    lifecycle: ServerLifecycle,
    codec: WorkerCodec<Request, Response>,
    command: WorkerSpawner.Command = .thisBinary,
    body: @Sendable (WorkerPool) async throws -> Result
  ) async throws -> Result {
    try await WorkerDispatcher.withWorkers(lifecycle: lifecycle, command: command) { dispatcher in
      try await body(WorkerPool(dispatcher: dispatcher, codec: codec))
    }
  }

  /// Sends `request` to a worker and waits for its response.
  package func call(_ request: Request) async throws -> Response {
    let payload = try codec.encodeRequest(request)
    let reply = try await dispatcher.call(payload, id: codec.requestID(request))
    return try codec.decodeResponse(reply)
  }

  /// Sends `request` to a worker; `completion` gets its response, or why there is none, once,
  /// where the worker's replies are read (see ``WorkerDispatcher/submit(_:id:completion:)``).
  package func submit(_ request: Request, completion: @escaping @Sendable (Result<Response, any Error>) -> Void) {
    let payload: ByteBuffer
    do {
      payload = try codec.encodeRequest(request)
    } catch {
      return completion(.failure(error))
    }
    let decode = codec.decodeResponse
    dispatcher.submit(payload, id: codec.requestID(request)) { reply in
      completion(Result { try decode(try reply.get()) })
    }
  }
}
