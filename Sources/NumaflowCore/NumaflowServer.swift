import ServiceLifecycle

/// A Numaflow UDF server: every kind's server (`MapServer`, `SourceTransformServer`, ...)
/// conforms, and gets its entry points from here.
///
/// As a container's main job:
/// ```swift
/// try await MapServer { keys, datum in [Message(datum.value, keys: keys)] }.run()
/// ```
///
/// Beside other services, in a swift-service-lifecycle `ServiceGroup`. The server stops on
/// SIGTERM by itself too, and may finish before the group sees the signal: configure it to shut
/// the group down gracefully when it returns, not to count as a failed service, and list it
/// last, since a group shuts its services down last to first:
/// ```swift
/// let server = ServiceGroupConfiguration.ServiceConfiguration(
///   service: MapServer(mapper: Enricher(cache: cache)),
///   successTerminationBehavior: .gracefullyShutdownGroup
/// )
/// let group = ServiceGroup(
///   configuration: ServiceGroupConfiguration(
///     services: [.init(service: cache), server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// )
/// try await group.run()
/// ```
public protocol NumaflowServer: Service {
  /// What the server hosts: its endpoint, configuration and services.
  var host: ServerHost { get }
}

extension NumaflowServer {
  /// Serves until SIGTERM, SIGINT or a service group's graceful shutdown, then drains
  /// in-flight work for the grace period and returns (exit status 0).
  ///
  /// On a UDF failure (a handler threw, answered wrongly, or a worker process died) the
  /// failure is sent to numa, persisted for the Numaflow UI, and the process exits with status
  /// 1, so that Kubernetes restarts the container; this holds in a `ServiceGroup` too (use
  /// ``serve()`` to receive the failure instead). A server that cannot start logs why and exits
  /// with status 1. In a multiprocess mode's worker process, serves the server process and
  /// exits 0 when it says stop.
  public func run() async throws {
    await host.runAsMain()
  }

  /// Serves like ``run()``, but returns the UDF failure instead of exiting, and ignores
  /// signals: for embedding the server in a process that manages its own lifecycle, and for
  /// tests. Stop it with a service group's graceful shutdown, or by cancelling the task.
  ///
  /// In a multiprocess mode's worker process this serves the server process instead, and
  /// returns `nil` once the server process says stop: so a `main` that calls `serve()` works
  /// unchanged in every process.
  /// - Throws: ``ConfigurationError`` or a transport error when the server cannot start.
  public func serve() async throws -> UDFFailure? {
    try await host.serve(stopOnSignals: false)
  }

  /// Where the server listens, such as `/var/run/numaflow/map.sock`.
  public var socketPath: String { host.socketPath }
}
