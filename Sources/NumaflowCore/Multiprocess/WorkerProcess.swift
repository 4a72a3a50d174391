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

    // One event loop for the socket. Async handlers run on its thread, as on the server's loop:
    // a request read, handled and answered without a hop between threads. Blocking handlers
    // run on a thread of their own, one request at a time, so that code that is not
    // thread-safe stays safe and the loop keeps writing replies while a handler blocks.
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
          switch handler.body {
          case .async(let call):
            try await answerConcurrently(
              inbound, through: replies, run: call, codec: codec, cap: configuration.maxConcurrentRequests)
          case .sync(let call):
            try await answerInTurn(inbound, through: replies, run: call, codec: codec, eventLoop: eventLoop)
          }
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
          let outcome: Result<[UInt8], any Error>
          do {
            outcome = .success(try codec.encodeResponse(try await run(try codec.decodeRequest(frame.payloadBytes))))
          } catch {
            outcome = .failure(error)
          }
          try await replies.send(reply(to: frame, outcome))
        }
      }
      try await group.waitForAll()
    }
  }

  /// Runs a blocking handler on each request in turn, on a thread of its own, until the
  /// server says stop; the requests read in one turn of `eventLoop` go to it together
  /// (``ThreadHandOff``). Returns once every request read is answered.
  private static func answerInTurn<Request: Sendable, Response: Sendable>(
    _ inbound: NIOAsyncChannelInboundStream<WorkerFrame>,
    through replies: OutboundQueue<WorkerFrame>,
    run: @escaping @Sendable (Request) throws -> Response,
    codec: WorkerCodec<Request, Response>,
    eventLoop: any EventLoop
  ) async throws {
    let thread = NIOThreadPool(numberOfThreads: 1)
    thread.start()
    let handOff = ThreadHandOff(threads: thread, threadCount: 1, eventLoop: eventLoop)
    do {
      for try await frame in inbound {
        guard frame.kind == .request else { break }  // .shutdown
        handOff.submit { state in
          // A thread stopped because the connection ended runs nothing more: no one would read it.
          guard state == .active else { return }
          let outcome = Result { try codec.encodeResponse(try run(try codec.decodeRequest(frame.payloadBytes))) }
          // Queued without waiting for room: the server process bounds what it sends a worker
          // (its streams' in-flight bound), so the replies waiting here are bounded too.
          _ = replies.enqueue(reply(to: frame, outcome))
        }
      }
    } catch {
      try? await thread.shutdownGracefully()
      throw error
    }
    // One thread, in order: this runs after every request before it.
    let answered = OneShotEvent()
    handOff.submit { _ in answered.signal() }
    await answered.wait()
    try await thread.shutdownGracefully()
  }

  /// The reply to `frame`: the handler's encoded response, or a failure frame that says what
  /// was thrown.
  private static func reply(to frame: WorkerFrame, _ outcome: Result<[UInt8], any Error>) -> WorkerFrame {
    switch outcome {
    case .success(let bytes):
      return WorkerFrame(sequence: frame.sequence, kind: .response, payload: ByteBuffer(bytes: bytes))
    case .failure(let error):
      let failure = WorkerError(
        summary: String(reflecting: error),
        details: "error type: \(String(reflecting: type(of: error)))\nworker pid: \(getpid())"
      )
      return WorkerFrame(sequence: frame.sequence, kind: .failure, payload: failure.failurePayload)
    }
  }
}

extension WorkerFrame {
  /// The payload's bytes, for a codec.
  fileprivate var payloadBytes: [UInt8] { Array(payload.readableBytesView) }
}
