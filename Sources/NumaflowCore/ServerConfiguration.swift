import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a UDF server needs besides its handler. Start from ``defaults`` and override:
///
/// ```swift
/// var configuration = ServerConfiguration.defaults
/// configuration.maxConcurrentRequests = 64
/// await MapServer(configuration: configuration) { keys, datum in [Message(datum.value)] }.runService()
/// ```
///
/// Where the handler runs is not part of the configuration: each server takes its `mode`
/// beside it, from the modes its kind offers (``ServerMode``).
public struct ServerConfiguration: Sendable {
  /// The directory holding the socket and the server-info file: `/var/run/numaflow`, or
  /// `$NUMAFLOW_SWIFT_RUN_DIR` when set.
  public var socketDirectory: String
  /// The directory numa reads runtime errors from: `/var/numaflow/runtime`, or
  /// `$NUMAFLOW_SWIFT_RUN_DIR/runtime` when that is set. Errors go to
  /// `<runtimeDirectory>/application-errors/<container type>/`.
  public var runtimeDirectory: String
  /// The largest message accepted or sent, in bytes. Numa uses 64 MiB; so does the default.
  public var maxMessageSize: Int
  /// How many requests may be in the handler at once on a stream. When the cap is reached the
  /// server stops reading, and HTTP/2 flow control pushes back on numa. Default 512.
  public var maxConcurrentRequests: Int
  /// Threads in sync mode, worker processes in multiprocess mode. Defaults to the container's
  /// CPU limit (`NUMAFLOW_CPU_LIMIT`, rounded up) or else the number of processors.
  public var workerCount: Int
  /// How long in-flight work may take to finish after SIGTERM/SIGINT before it is cancelled.
  /// Default 20 seconds, numa's own grace period, or `$NUMAFLOW_SWIFT_GRACE_PERIOD` seconds.
  public var shutdownGracePeriod: Duration
  /// The HTTP/2 receive window: how many bytes numa may have in flight toward the server.
  /// Default 1 MiB: larger windows bought no throughput here and cost memory (see Benchmarks/README.md).
  public var http2TargetWindowSize: Int
  /// The container type named in error messages and error files (`NUMAFLOW_UD_CONTAINER_TYPE`).
  public var udContainerType: String
  /// Where the server logs. Its level is raised to `debug` when `NUMAFLOW_DEBUG=true`.
  public var logger: Logger
  /// The lowest Numaflow release this UDF runs on, written into server-info: numa refuses the
  /// container when it is older. Default ``NumaflowVersion/sdkMinimum``; raise it to the
  /// release of the newest feature the UDF uses (``NumaflowVersion`` lists them). It cannot
  /// be lower than ``NumaflowVersion/sdkMinimum``.
  public var minimumNumaflowVersion: NumaflowVersion

  /// The platform's paths and limits, adjusted by the environment (``PlatformEnvironment``).
  public static var defaults: ServerConfiguration { ServerConfiguration(environment: .current) }

  /// The defaults for a given environment.
  public init(environment: PlatformEnvironment) {
    if let runDirectory = environment.runDirectory {
      socketDirectory = runDirectory
      runtimeDirectory = joinPath(runDirectory, "runtime")
    } else {
      socketDirectory = "/var/run/numaflow"
      runtimeDirectory = "/var/numaflow/runtime"
    }
    maxMessageSize = 64 * 1024 * 1024
    maxConcurrentRequests = 512
    if let limit = environment.cpuLimit {
      workerCount = max(1, Int(limit.rounded(.up)))
    } else {
      workerCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
    shutdownGracePeriod = environment.gracePeriod ?? .seconds(20)
    http2TargetWindowSize = 1024 * 1024
    udContainerType = environment.containerType
    var logger = Logger(label: "numaflow")
    logger.logLevel = environment.debug ? .debug : .info
    for variable in environment.unreadable {
      logger.warning("ignoring an environment variable that cannot be read", metadata: ["variable": "\(variable)"])
    }
    self.logger = logger
    minimumNumaflowVersion = .sdkMinimum
  }

  /// Checks the values, naming the one to fix.
  func validated() throws -> ServerConfiguration {
    guard maxConcurrentRequests > 0 else {
      throw ConfigurationError(.invalidValue, "maxConcurrentRequests must be at least 1 (got \(maxConcurrentRequests))")
    }
    guard workerCount > 0 else {
      throw ConfigurationError(.invalidValue, "workerCount must be at least 1 (got \(workerCount))")
    }
    guard maxMessageSize >= 1024 else {
      throw ConfigurationError(.invalidValue, "maxMessageSize must be at least 1 KiB (got \(maxMessageSize) bytes)")
    }
    guard minimumNumaflowVersion >= .sdkMinimum else {
      throw ConfigurationError(
        .invalidValue,
        "minimumNumaflowVersion must be at least \(NumaflowVersion.sdkMinimum), the first Numaflow release that "
          + "runs a Swift UDF (got \(minimumNumaflowVersion))")
    }
    guard (65_535...Int(Int32.max)).contains(http2TargetWindowSize) else {
      throw ConfigurationError(
        .invalidValue, "http2TargetWindowSize must lie between 65535 and 2^31-1 (got \(http2TargetWindowSize))")
    }
    return self
  }
}
