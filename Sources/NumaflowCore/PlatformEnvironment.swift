#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The environment variables the Numaflow controller sets on a UDF container, read once.
///
/// Explicit ``ServerConfiguration`` values always win over what is read here.
public struct PlatformEnvironment: Sendable {
  /// `NUMAFLOW_UD_CONTAINER_TYPE` (`udf`, `udsink`, `transformer`, ...): the name error
  /// messages and persisted error files carry. `unknown-container` when unset, as in the
  /// Go and Python SDKs.
  public var containerType: String
  /// `NUMAFLOW_DEBUG=true` raises the server's log level to `debug`.
  public var debug: Bool
  /// `NUMAFLOW_SWIFT_RUN_DIR`: moves the socket and server-info directory (normally
  /// `/var/run/numaflow`) for local runs and tests; the runtime error directory moves to
  /// `<dir>/runtime` with it, so a local run writes nothing under `/var`.
  public var runDirectory: String?
  /// `NUMAFLOW_CPU_LIMIT`: the container's CPU limit in cores, when set.
  public var cpuLimit: Double?

  /// Reads a set of variables, such as `ProcessInfo.processInfo.environment`.
  public init(_ variables: [String: String]) {
    let containerType = variables["NUMAFLOW_UD_CONTAINER_TYPE"] ?? ""
    self.containerType = containerType.isEmpty ? "unknown-container" : containerType
    self.debug = ["true", "1", "yes"].contains(variables["NUMAFLOW_DEBUG"]?.lowercased() ?? "")
    let runDirectory = variables[Self.runDirectoryVariable] ?? ""
    self.runDirectory = runDirectory.isEmpty ? nil : runDirectory
    self.cpuLimit = variables["NUMAFLOW_CPU_LIMIT"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
  }

  /// This process's environment, read the first time it is used.
  public static let current = PlatformEnvironment(ProcessInfo.processInfo.environment)

  /// The variable that relocates `/var/run/numaflow`.
  public static let runDirectoryVariable = "NUMAFLOW_SWIFT_RUN_DIR"
}
