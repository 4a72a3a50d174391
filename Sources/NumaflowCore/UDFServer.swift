import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import NIOPosix
import UnixSignals

/// Serves one kind's gRPC service on its Unix socket, the way numa expects, in any mode.
///
/// Every kind's public server (`MapServer`, ...) is a thin layer over this: it supplies the
/// container type, socket name, server-info metadata, the user handler adapted to wire
/// messages, and a function that builds the gRPC service around a ``RequestHandler``.
package struct UDFServer<Request: Sendable, Response: Sendable>: Sendable {
  package var containerType: ContainerType
  package var socketFileName: String
  package var serverInfoMetadata: [String: String]
  package var configuration: ServerConfiguration
  package var handler: LocalHandler<Request, Response>
  /// "map handler": how errors name the user's code.
  package var handlerName: String
  /// How requests reach worker processes; `nil` when the kind has no multiprocess mode.
  package var workerCodec: WorkerCodec<Request, Response>?
  package var makeService: @Sendable (RequestHandler<Request, Response>, ServerLifecycle) -> any RegistrableRPCService

  package init(
    containerType: ContainerType,
    socketFileName: String,
    serverInfoMetadata: [String: String],
    configuration: ServerConfiguration,
    handler: LocalHandler<Request, Response>,
    handlerName: String,
    workerCodec: WorkerCodec<Request, Response>?,
    makeService: @escaping @Sendable (RequestHandler<Request, Response>, ServerLifecycle) -> any RegistrableRPCService
  ) {
    self.containerType = containerType
    self.socketFileName = socketFileName
    self.serverInfoMetadata = serverInfoMetadata
    self.configuration = configuration
    self.handler = handler
    self.handlerName = handlerName
    self.workerCodec = workerCodec
    self.makeService = makeService
  }

  package var socketPath: String {
    (configuration.socketDirectory as NSString).appendingPathComponent(socketFileName)
  }

  package var serverInfoPath: String {
    (configuration.socketDirectory as NSString).appendingPathComponent(containerType.serverInfoFileName)
  }

  /// Runs as the process's main job: serves until SIGTERM/SIGINT (returns, exit status 0 is
  /// the caller's) or a UDF failure (reported, then the process exits with status 1). In a
  /// multiprocess worker, serves the server process instead and exits when told to stop.
  ///
  /// A server that cannot start (a configuration error, an unwritable socket directory) logs
  /// why and exits with status 1 too, rather than trapping on an error thrown from `main`.
  package func runAsMain() async throws {
    do {
      if let descriptor = WorkerProcess.descriptor, let workerCodec {
        try await WorkerProcess.serve(
          descriptor: descriptor, handler: handler, codec: workerCodec, configuration: configuration)
        exit(0)
      }
      if let failure = try await serve(stopOnSignals: true) {
        configuration.logger.critical(
          "exiting with status 1 after a UDF failure", metadata: ["error": "\(failure.message)"])
        exit(1)
      }
    } catch {
      configuration.logger.critical("the server could not run: \(error)")
      exit(1)
    }
  }

  /// Binds, writes server-info, serves until shutdown, and cleans up. Returns the UDF failure
  /// that stopped the server, or `nil` after a graceful shutdown.
  package func serve(stopOnSignals: Bool) async throws -> UDFFailure? {
    let configuration = try configuration.validated()
    if configuration.mode == .sync && !handler.isSync {
      throw ConfigurationError(
        "sync mode runs a synchronous handler on dedicated threads, but this \(handlerName) is async: "
          + "implement the Sync variant of the handler protocol, or use mode async or multiprocess"
      )
    }
    let eventLoopGroup = MultiThreadedEventLoopGroup.singleton
    let lifecycle = ServerLifecycle(configuration: configuration, eventLoops: Array(eventLoopGroup.makeIterator()))
    let logger = configuration.logger
    try FileManager.default.createDirectory(atPath: configuration.socketDirectory, withIntermediateDirectories: true)
    // A previous run of this container may have left both behind.
    try? FileManager.default.removeItem(atPath: serverInfoPath)
    try? FileManager.default.removeItem(atPath: socketPath)
    defer {
      try? FileManager.default.removeItem(atPath: serverInfoPath)
      try? FileManager.default.removeItem(atPath: socketPath)
    }

    try await withRequestHandler(lifecycle: lifecycle) { handler in
      let transport = HTTP2ServerTransport.Posix(
        address: .unixDomainSocket(path: socketPath),
        transportSecurity: .plaintext,
        config: .numaflow(configuration),
        eventLoopGroup: eventLoopGroup
      )
      let server = GRPCServer(transport: transport, services: [makeService(handler, lifecycle)])
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        group.addTask {
          _ = try await transport.listeningAddress
          let path = try ServerInfo(containerType: containerType, metadata: serverInfoMetadata)
            .write(toDirectory: configuration.socketDirectory)
          logger.info(
            "serving",
            metadata: [
              "socket": "\(socketPath)", "server-info": "\(path)", "mode": "\(configuration.mode)",
              "sdk": "\(NumaflowSDK.language) \(NumaflowSDK.version)",
            ]
          )
          try await superviseShutdown(of: server, lifecycle: lifecycle, stopOnSignals: stopOnSignals)
        }
        // serve() returns once shutdown has drained every connection.
        try await group.next()
        group.cancelAll()
      }
    }
    if lifecycle.failure == nil {
      logger.info("stopped gracefully")
    }
    return lifecycle.failure
  }

  /// Waits for SIGTERM/SIGINT or a UDF failure; then stops accepting, lets streams drain for
  /// the grace period, and finally stops whatever is left.
  private func superviseShutdown(
    of server: GRPCServer<HTTP2ServerTransport.Posix>,
    lifecycle: ServerLifecycle,
    stopOnSignals: Bool
  ) async throws {
    let logger = lifecycle.logger
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await lifecycle.failed.wait() }
      if stopOnSignals {
        group.addTask {
          for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
            logger.info(
              "received \(signal): draining in-flight work",
              metadata: [
                "grace-period": "\(lifecycle.configuration.shutdownGracePeriod)"
              ])
            return
          }
        }
      }
      await group.next()
      group.cancelAll()
    }
    try Task.checkCancellation()
    server.beginGracefulShutdown()
    // On a failure the failing stream has already ended; others get the same grace.
    try await Task.sleep(for: lifecycle.configuration.shutdownGracePeriod)
    logger.warning("grace period over: stopping the streams still open")
    lifecycle.forcedStop.signal()
  }

  /// Gives `body` the handler placed where the mode says it runs, for as long as `body` runs.
  package func withRequestHandler(
    lifecycle: ServerLifecycle,
    body: @Sendable (RequestHandler<Request, Response>) async throws -> Void
  ) async throws {
    let configuration = lifecycle.configuration
    switch (configuration.mode, handler) {
    case (.multiprocess, _):
      guard let workerCodec else {
        throw ConfigurationError("multiprocess mode is not available for a \(handlerName): use mode async or sync")
      }
      try await WorkerPool<Request, Response>.withPool(lifecycle: lifecycle, codec: workerCodec) { pool in
        try await body(RequestHandler(name: handlerName) { try await pool.call($0) })
      }
    case (.sync, .sync(let call)):
      let threads = NIOThreadPool(numberOfThreads: configuration.workerCount)
      threads.start()
      do {
        try await body(RequestHandler(name: handlerName, running: call, on: threads))
      } catch {
        try? await threads.shutdownGracefully()
        throw error
      }
      try await threads.shutdownGracefully()
    case (_, .sync(let call)):
      // Async mode with a synchronous handler: quick, non-blocking code runs inline.
      try await body(RequestHandler(name: handlerName, inline: call))
    case (_, .async(let call)):
      try await body(RequestHandler(name: handlerName, call: call))
    }
  }
}

extension HTTP2ServerTransport.Posix.Config {
  /// Transport settings for numa's client: 64 MiB messages, a receive window large enough for
  /// many 10 KiB messages in flight, and frames that carry a whole typical message.
  static func numaflow(_ configuration: ServerConfiguration) -> Self {
    .defaults { config in
      config.rpc.maxRequestPayloadSize = configuration.maxMessageSize
      config.http2.targetWindowSize = configuration.http2TargetWindowSize
      config.http2.maxFrameSize = 1 << 17
      // numa sends no keepalive pings; other clients (grpcurl, C-core) may ping while idle.
      config.connection.keepalive.clientBehavior.allowWithoutCalls = true
      config.connection.keepalive.clientBehavior.minPingIntervalWithoutCalls = .seconds(5)
    }
  }
}
