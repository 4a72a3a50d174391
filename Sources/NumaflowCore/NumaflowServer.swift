import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Numaflow UDF server: every kind's server (`MapServer`, `SourceTransformServer`, ...)
/// conforms, and gets its two entry points from here, as Hummingbird's `Application` does:
///
/// - ``runService(alongside:gracefulShutdownSignals:)`` is a container's `main`: it handles
///   SIGTERM and SIGINT, runs the process as a worker in multiprocess mode, reports failures
///   and sets the exit status.
/// - ``run()`` is the swift-service-lifecycle `Service`: it serves until the group shuts it down
///   gracefully or its task is cancelled, and returns; it traps no signal and never exits.
///
/// The three-line UDF:
/// ```swift
/// await MapServer { keys, datum in [Message(datum.value, keys: keys)] }.runService()
/// ```
///
/// Beside other services (a cache, a metrics endpoint): hand them to the entry point, which
/// starts them first and stops them after the server has drained.
/// ```swift
/// await MapServer(mapper: Enricher(cache: cache)).runService(alongside: [cache])
/// ```
public protocol NumaflowServer: Service {
  /// What the server hosts: its endpoint, configuration and services.
  var host: ServerHost { get }
}

extension NumaflowServer {
  /// Serves until a service group's graceful shutdown or the task's cancellation, drains
  /// in-flight work for the grace period, and returns: the `Service` requirement.
  ///
  /// Signals are the group's business: `run()` traps none and never exits, so a
  /// `ServiceGroup` with `gracefulShutdownSignals: [.sigterm]` needs no other configuration.
  /// In a multiprocess mode's worker process it serves the server process instead, and
  /// returns once that says stop.
  ///
  /// - Throws: ``UDFFailure`` when a handler threw, answered wrongly or a worker process died
  ///   (it has been sent to numa and persisted for the Numaflow UI by then);
  ///   ``ConfigurationError`` or a transport error when the server cannot start.
  public func run() async throws {
    if let failure = try await host.serve() { throw failure }
  }

  /// Runs the server as a container's main job, with `services` beside it, and sets the exit
  /// status; it returns only after a graceful stop (exit status 0 when `main` ends).
  ///
  /// It starts `services` first, then the server; on one of `gracefulShutdownSignals` the
  /// server drains its in-flight work for the grace period, then `services` shut down, last
  /// to first. On a UDF failure (reported to numa and persisted for the Numaflow UI by then)
  /// or a server that cannot start, it logs why and exits with status 1, so that Kubernetes
  /// restarts the container; a service that throws does the same.
  ///
  /// In multiprocess mode each worker process runs the same `main`: there this serves the
  /// server process instead, beside `services` too (a handler's dependencies run in every
  /// process), ignores signals (the server process stops its workers) and exits 0 when told to
  /// stop. A service that must run once per pod, such as an HTTP endpoint on a fixed port,
  /// can skip itself where ``isWorkerProcess`` is true.
  ///
  /// ```swift
  /// let cache = ReferenceCache()   // a Service that refreshes itself
  /// await MapServer(mapper: Enricher(cache: cache)).runService(alongside: [cache])
  /// ```
  public func runService(
    alongside services: [any Service] = [],
    gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]
  ) async {
    let logger = host.configuration.logger
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
          ServiceGroupConfiguration.ServiceConfiguration(
            service: self, successTerminationBehavior: .gracefullyShutdownGroup)
        ],
        gracefulShutdownSignals: isWorkerProcess ? [] : gracefulShutdownSignals,
        logger: logger
      )
    )
    do {
      try await DevelopmentTrace.recording { try await group.run() }
      if isWorkerProcess { exit(0) }
    } catch let failure as UDFFailure {
      logger.critical("exiting with status 1 after a UDF failure", metadata: ["error": "\(failure.message)"])
      exit(1)
    } catch {
      logger.critical("exiting with status 1: the server or a service beside it failed: \(error)")
      exit(1)
    }
  }

  /// Whether this process is one of a multiprocess server's worker processes, which run the
  /// same `main` as the process that owns the socket.
  public var isWorkerProcess: Bool { WorkerProcess.descriptor != nil }

  /// Where the server listens, such as `/var/run/numaflow/map.sock`.
  public var socketPath: String { host.socketPath }
}
