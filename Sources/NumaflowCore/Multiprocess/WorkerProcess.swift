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
  /// handlers run concurrently; sync handlers one at a time, in the loop that reads the
  /// requests, so code that is not thread-safe stays safe (this process does nothing else that
  /// a blocked thread could hold up).
  package static func serve<Request: Sendable, Response: Sendable>(
    descriptor: CInt,
    handler: LocalHandler<Request, Response>,
    configuration: ServerConfiguration
  ) async throws {
    guard let codec = handler.codec else { preconditionFailure("\(handler.name): a worker without a worker codec") }
    // The server process owns shutdown: it tells its workers when to stop.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)

    let run: @Sendable (Request) async throws -> Response
    let concurrently: Bool
    switch handler.body {
    case .async(let call):
      (run, concurrently) = (call, true)
    case .sync(let call):
      (run, concurrently) = ({ try call($0) }, false)
    }

    // One event loop for the socket, whose thread also runs the handlers (as the server's loop
    // does): a request read, handled and answered without a hop between threads.
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    defer { loops.shutdownGracefully { _ in } }
    let eventLoop = loops.next()
    let channel = try await WorkerChannel.adopting(
      descriptor: descriptor, maxMessageSize: configuration.maxMessageSize, eventLoop: eventLoop)
    try await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
      try await serve(
        channel: channel, run: run, concurrently: concurrently, codec: codec, configuration: configuration)
    }
  }

  /// Reads request frames from `channel` and answers each, until the server says stop.
  private static func serve<Request: Sendable, Response: Sendable>(
    channel: WorkerChannel,
    run: @escaping @Sendable (Request) async throws -> Response,
    concurrently: Bool,
    codec: WorkerCodec<Request, Response>,
    configuration: ServerConfiguration
  ) async throws {
    let cap = configuration.maxConcurrentRequests
    try await channel.executeThenClose { inbound, outbound in
      try await OutboundQueue.withQueue(
        limit: cap,
        eventLoops: [channel.channel.eventLoop],
        cost: \.payload.readableBytes,
        write: { try await outbound.write(contentsOf: $0) }
      ) { replies in
        try await withThrowingTaskGroup(of: Void.self) { group in
          var unreaped = 0
          for try await frame in inbound {
            guard frame.kind == .request else { break }  // .shutdown
            guard concurrently else {
              // Written at once, not queued: the next request's handler blocks this thread,
              // and a queued reply would wait for it (found with a 200 ms handler).
              try await outbound.write(await reply(to: frame, run: run, codec: codec))
              continue
            }
            if unreaped >= cap {
              try await group.next()
              unreaped -= 1
            }
            unreaped += 1
            group.addTask {
              try await replies.send(reply(to: frame, run: run, codec: codec))
            }
          }
          try await group.waitForAll()
        }
      }
    }
  }

  /// Runs one request frame through the handler: its response frame, or a failure frame that
  /// says what the handler threw.
  private static func reply<Request: Sendable, Response: Sendable>(
    to frame: WorkerFrame,
    run: @Sendable (Request) async throws -> Response,
    codec: WorkerCodec<Request, Response>
  ) async -> WorkerFrame {
    do {
      let request = try codec.decodeRequest(Array(frame.payload.readableBytesView))
      let bytes = try codec.encodeResponse(try await run(request))
      return WorkerFrame(sequence: frame.sequence, kind: .response, payload: ByteBuffer(bytes: bytes))
    } catch {
      let failure = WorkerError(
        summary: String(reflecting: error),
        details: "error type: \(String(reflecting: type(of: error)))\nworker pid: \(getpid())"
      )
      return WorkerFrame(sequence: frame.sequence, kind: .failure, payload: failure.failurePayload)
    }
  }
}
