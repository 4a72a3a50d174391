import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a server hosts: its endpoint, its configuration and its gRPC services. Opaque; every
/// server (`MapServer`, ...) has one, and ``NumaflowServer`` runs it.
///
/// The host does what every kind needs and nothing that depends on requests: it removes a
/// stale socket, binds, writes server-info once the socket listens, stops on SIGTERM, SIGINT
/// or a service group's graceful shutdown, gives open streams the grace period, reports UDF
/// failures, and sets the exit status. What the services do with their streams, and where
/// handlers run, is the kind's business (see ``NumaflowCore`` for how a kind plugs in).
public struct ServerHost: Sendable {
  /// Sets up what the services need (threads, worker processes) for as long as `body` runs,
  /// and hands it the services.
  package typealias WithServices =
    @Sendable (ServerLifecycle, _ body: @Sendable ([any RegistrableRPCService]) async throws -> Void) async throws ->
    Void

  package let endpoint: Endpoint
  package let configuration: ServerConfiguration
  /// The mode, for the log line that says the server is serving.
  package let modeName: String
  package let withServices: WithServices
  /// What this process does when it was started as one of this server's worker processes:
  /// serve the server process over the inherited descriptor. `nil` unless the server runs
  /// its handler in worker processes.
  package let worker: (@Sendable (_ descriptor: CInt) async throws -> Void)?

  package init(
    endpoint: Endpoint,
    configuration: ServerConfiguration,
    modeName: String = "async",
    worker: (@Sendable (_ descriptor: CInt) async throws -> Void)? = nil,
    withServices: @escaping WithServices
  ) {
    self.endpoint = endpoint
    self.configuration = configuration
    self.modeName = modeName
    self.worker = worker
    self.withServices = withServices
  }

  /// A host for services that need nothing set up around them: a unary side-input retriever,
  /// a source's five RPCs, a reducer's stream per window.
  package init(
    endpoint: Endpoint,
    configuration: ServerConfiguration,
    services: @escaping @Sendable (ServerLifecycle) -> [any RegistrableRPCService]
  ) {
    self.init(endpoint: endpoint, configuration: configuration) { lifecycle, body in
      try await body(services(lifecycle))
    }
  }

  /// Where this server's spans and metrics go if it starts now (see ``Telemetry``).
  package var currentTelemetry: Telemetry { .current(kind: endpoint.kindName, mode: modeName) }

  package var socketPath: String {
    joinPath(configuration.socketDirectory, endpoint.socketFileName)
  }

  package var serverInfoPath: String {
    joinPath(configuration.socketDirectory, endpoint.containerType.serverInfoFileName)
  }

  /// Binds, writes server-info, serves until a graceful shutdown, a cancellation or a UDF
  /// failure, and cleans up. Returns the UDF failure that stopped the server, or `nil`. In a
  /// worker process, serves the server process instead, until it says stop, and returns `nil`.
  /// Signals are not its business: whoever runs the server turns them into a graceful shutdown.
  package func serve() async throws -> UDFFailure? {
    AllocatorSetting.applyOnce(environment: ProcessInfo.processInfo.environment, logger: configuration.logger)
    if let descriptor = WorkerProcess.descriptor {
      guard let worker else {
        throw ConfigurationError(
          .workerSpawn,
          "this process was started as a worker process, but its server (\(endpoint.socketFileName), mode "
            + "\(modeName)) has none: the binary must build the same server in every process"
        )
      }
      try await worker(descriptor)
      return nil
    }
    let configuration = try configuration.validated()
    // One event loop of its own for numa's connection, on which its streams pace their writes,
    // and every task the server serves it with prefers that loop: a request is read, handled
    // (inline or async) and answered on one thread, with no hop to Swift's cooperative pool and
    // back. Server CPU per message fell from 1.6-2.0x to 1.0-1.25x a native C++ gRPC echo's
    // (Benchmarks/native.py, 2026-12-05).
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    defer { loops.shutdownGracefully { _ in } }
    let lifecycle = ServerLifecycle(
      configuration: configuration, eventLoops: [loops.next()], telemetry: currentTelemetry)
    try prepareSocketDirectory()
    defer { removeSocketAndServerInfo() }

    let shutdownRequested = OneShotEvent()
    try await withGracefulShutdownHandler {
      try await withServices(lifecycle) { services in
        try await serve(services, lifecycle: lifecycle, loops: loops, shutdownRequested: shutdownRequested)
      }
    } onGracefulShutdown: {
      shutdownRequested.signal()
    }
    if lifecycle.failure == nil {
      configuration.logger.info("stopped gracefully")
    }
    return lifecycle.failure
  }

  private func serve(
    _ services: [any RegistrableRPCService],
    lifecycle: ServerLifecycle,
    loops: MultiThreadedEventLoopGroup,
    shutdownRequested: OneShotEvent
  ) async throws {
    let configuration = lifecycle.configuration
    let transport = HTTP2ServerTransport.Posix(
      address: .unixDomainSocket(path: socketPath),
      transportSecurity: .plaintext,
      config: .numaflow(configuration),
      eventLoopGroup: loops
    )
    let server = GRPCServer(transport: transport, services: services)
    let executor = EventLoopTaskExecutor(loops.next())
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await withTaskExecutorPreference(executor) { try await server.serve() } }
      group.addTask {
        _ = try await transport.listeningAddress
        let path = try ServerInfo(
          containerType: endpoint.containerType, metadata: endpoint.serverInfoMetadata,
          minimumNumaflowVersion: configuration.minimumNumaflowVersion
        ).write(toDirectory: configuration.socketDirectory)
        configuration.logger.info(
          "serving",
          metadata: [
            "socket": "\(socketPath)", "server-info": "\(path)", "mode": "\(modeName)",
            "sdk": "\(NumaflowSDK.language) \(NumaflowSDK.version)",
          ]
        )
        try await superviseShutdown(of: server, lifecycle: lifecycle, requested: shutdownRequested)
      }
      // serve() returns once shutdown has drained every connection.
      try await group.next()
      group.cancelAll()
    }
  }

  /// Waits for a graceful shutdown or a UDF failure; then stops accepting,
  /// lets streams drain for the grace period, and finally stops whatever is left.
  private func superviseShutdown(
    of server: GRPCServer<HTTP2ServerTransport.Posix>,
    lifecycle: ServerLifecycle,
    requested: OneShotEvent
  ) async throws {
    let logger = lifecycle.logger
    let gracePeriod = lifecycle.configuration.shutdownGracePeriod
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await lifecycle.failed.wait() }
      group.addTask {
        await requested.wait()
        if requested.isSignalled {
          logger.info(
            "graceful shutdown requested: draining in-flight work", metadata: ["grace-period": "\(gracePeriod)"])
        }
      }
      await group.next()
      group.cancelAll()
    }
    try Task.checkCancellation()
    server.beginGracefulShutdown()
    // On a failure the failing stream has already ended; others get the same grace.
    try await Task.sleep(for: gracePeriod)
    logger.warning("grace period over: stopping the streams still open")
    lifecycle.forcedStop.signal()
    // The streams end at once, each with a status that tells numa to re-send; give the
    // transport a moment to deliver those before the server is cancelled.
    try await Task.sleep(for: .seconds(1))
  }

  /// Creates the socket directory and removes what a previous run of this container left.
  private func prepareSocketDirectory() throws {
    do {
      try FileManager.default.createDirectory(atPath: configuration.socketDirectory, withIntermediateDirectories: true)
    } catch {
      throw ConfigurationError(
        .socketDirectory,
        "cannot create the socket directory \(configuration.socketDirectory): \(error); "
          + "mount it writable, or set \(PlatformEnvironment.runDirectoryVariable) for a local run"
      )
    }
    removeSocketAndServerInfo()
  }

  private func removeSocketAndServerInfo() {
    try? FileManager.default.removeItem(atPath: serverInfoPath)
    try? FileManager.default.removeItem(atPath: socketPath)
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
      // numa sends no pings. Other clients may: C-core probes the bandwidth with pings tens of
      // milliseconds apart while data flows. The transport counts a ping sooner than this
      // interval after the last as a strike unless it wrote data in between, and at the third
      // sends GOAWAY and closes the connection, streams and all (HTTP2PingTests: four pings
      // back to back did it at 5 s). The socket is the pod's own: every ping is answered.
      config.connection.keepalive.clientBehavior.allowWithoutCalls = true
      config.connection.keepalive.clientBehavior.minPingIntervalWithoutCalls = .zero
      // A WINDOW_UPDATE overtaken by the client's END_STREAM must not cut the stream.
      config.channelDebuggingCallbacks = .filteringOvertakenWindowUpdates(logger: configuration.logger)
    }
  }
}
