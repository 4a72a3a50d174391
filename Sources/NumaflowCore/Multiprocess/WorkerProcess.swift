import NIOCore
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker side of multiprocess mode: what `run()` does instead of serving gRPC when this
/// process was started by a server as one of its workers.
package enum WorkerProcess {
  /// The inherited socket, when this process is a worker.
  package static var descriptor: CInt? {
    ProcessInfo.processInfo.environment[WorkerSpawner.descriptorVariable].flatMap { CInt($0) }
  }

  /// Handles requests from the server process until it says stop (or goes away). Async
  /// handlers run concurrently; sync handlers one at a time, in the order they came, on one
  /// thread, so code that is not thread-safe stays safe.
  package static func serve<Request: Sendable, Response: Sendable>(
    descriptor: CInt,
    handler: LocalHandler<Request, Response>,
    configuration: ServerConfiguration
  ) async throws {
    guard let codec = handler.codec else { preconditionFailure("\(handler.name): a worker without a worker codec") }
    // The server process owns shutdown: it tells its workers when to stop.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)

    switch handler.body {
    case .sync(let call):
      try await answerInTurn(
        descriptor: descriptor, run: call, codec: codec,
        maxFrameSize: WorkerFrame.maxSize(carrying: configuration.maxMessageSize))
    case .async(let call):
      try await answerConcurrently(descriptor: descriptor, run: call, codec: codec, configuration: configuration)
    }
  }

  /// Runs an async handler on each request as it comes, at most `maxConcurrentRequests` at
  /// once, until the server says stop. The socket has an event loop of its own, and the
  /// handlers run on its thread, as on the server's loop: a request read, handled and answered
  /// without a hop between threads.
  private static func answerConcurrently<Request: Sendable, Response: Sendable>(
    descriptor: CInt,
    run: @escaping @Sendable (Request) async throws -> Response,
    codec: WorkerCodec<Request, Response>,
    configuration: ServerConfiguration
  ) async throws {
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    defer { loops.shutdownGracefully { _ in } }
    let eventLoop = loops.next()
    let channel = try await WorkerChannel.adopting(
      descriptor: descriptor, maxMessageSize: configuration.maxMessageSize, eventLoop: eventLoop)
    try await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
      try await channel.executeThenClose { inbound, outbound in
        try await OutboundQueue.withQueue(
          limit: configuration.maxConcurrentRequests,
          eventLoops: [eventLoop],
          cost: \.payload.readableBytes,
          write: { try await outbound.write(contentsOf: $0) }
        ) { replies in
          try await answerConcurrently(
            inbound, through: replies, run: run, codec: codec, cap: configuration.maxConcurrentRequests)
        }
      }
    }
  }

  /// Runs an async handler on each request as it comes, at most `cap` at once, until the
  /// server says stop.
  private static func answerConcurrently<Request: Sendable, Response: Sendable>(
    _ inbound: NIOAsyncChannelInboundStream<WorkerFrame>,
    through replies: OutboundQueue<WorkerFrame>,
    run: @escaping @Sendable (Request) async throws -> Response,
    codec: WorkerCodec<Request, Response>,
    cap: Int
  ) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      var unreaped = 0
      for try await frame in inbound {
        guard frame.kind == .request else { break }  // .shutdown
        if unreaped >= cap {
          try await group.next()
          unreaped -= 1
        }
        unreaped += 1
        group.addTask {
          let request: Request
          do { request = try codec.decodeRequest(frame.payload) } catch {
            try await replies.send(reply(to: frame, unreadable: error))
            return
          }
          let outcome: Result<ByteBuffer, any Error>
          do { outcome = .success(try codec.encodeResponse(try await run(request))) } catch {
            outcome = .failure(error)
          }
          try await replies.send(reply(to: frame, outcome))
        }
      }
      try await group.waitForAll()
    }
  }

  /// Runs a blocking handler on each request in turn, in the order they came, on one thread
  /// that also reads the requests and writes the replies (``BlockingFrameSocket``), until the
  /// server says stop or closes its end. Code that is not thread-safe stays safe, and a
  /// request costs no hand-off between threads. A second thread writes the replies queued
  /// before a handler call that runs long.
  private static func answerInTurn<Request: Sendable, Response: Sendable>(
    descriptor: CInt,
    run: @escaping @Sendable (Request) throws -> Response,
    codec: WorkerCodec<Request, Response>,
    maxFrameSize: Int
  ) async throws {
    let threads = NIOThreadPool(numberOfThreads: 2)
    threads.start()
    let socket = BlockingFrameSocket(descriptor: descriptor, maxFrameSize: maxFrameSize)
    // Straight to its thread, not through a task: it must watch from the first request on.
    threads.submit { _ in socket.runFlusher() }
    let outcome: Result<Void, any Error>
    do {
      outcome = .success(try await threads.runIfActive { try answer(on: socket, run: run, codec: codec) })
    } catch {
      outcome = .failure(error)
    }
    socket.stopFlusher()
    // Waits for the flusher to return.
    try await threads.shutdownGracefully()
    try outcome.get()
  }

  /// The loop of ``answerInTurn(descriptor:run:codec:maxFrameSize:)``: bounded by what the
  /// server process sends, and ended by its shutdown frame or by its closing the socket.
  private static func answer<Request: Sendable, Response: Sendable>(
    on socket: BlockingFrameSocket,
    run: (Request) throws -> Response,
    codec: WorkerCodec<Request, Response>
  ) throws {
    while true {
      guard let frame = try socket.bufferedFrame() else {
        // Every request read is answered: send the replies, then wait for more.
        try socket.flush()
        guard try socket.fill() else { return }
        continue
      }
      guard frame.kind == .request else {  // .shutdown
        try socket.flush()
        return
      }
      let request: Request
      do { request = try codec.decodeRequest(frame.payload) } catch {
        try socket.queue(reply(to: frame, unreadable: error))
        continue
      }
      try socket.queue(
        reply(to: frame, Result { try socket.watching { try codec.encodeResponse(try run(request)) } }))
    }
  }

  /// The reply to a `frame` whose request did not decode: the decoder's words.
  ///
  /// The loops decode with `do`/`catch` and call this, rather than make a
  /// `Result<Request, …>`: in their generic, unspecialized code every such value looked its
  /// type's metadata up at run time, a twelfth of a worker's CPU (perf, map 100 B).
  private static func reply(to frame: WorkerFrame, unreadable error: any Error) -> WorkerFrame {
    WorkerFrame(sequence: frame.sequence, kind: .unreadable, payload: ByteBuffer(string: "\(error)"))
  }

  /// The reply to `frame`: the handler's encoded response, or a failure frame that says what
  /// was thrown.
  private static func reply(to frame: WorkerFrame, _ outcome: Result<ByteBuffer, any Error>) -> WorkerFrame {
    switch outcome {
    case .success(let payload):
      return WorkerFrame(sequence: frame.sequence, kind: .response, payload: payload)
    case .failure(let error):
      let failure = WorkerError(
        summary: String(reflecting: error),
        details: "error type: \(String(reflecting: type(of: error)))\nworker pid: \(getpid())"
      )
      return WorkerFrame(sequence: frame.sequence, kind: .failure, payload: failure.failurePayload)
    }
  }
}
