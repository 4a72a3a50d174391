#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The environment variables the Numaflow controller sets on a UDF container, read once: who
/// and where the UDF is, and the container's resources.
///
/// ```swift
/// let pod = PlatformEnvironment.current
/// logger.info("starting", metadata: ["vertex": "\(pod.vertex ?? "local")", "replica": "\(pod.replica ?? 0)"])
/// ```
///
/// Every field is `nil` when its variable is unset or empty, as in a local run. Explicit
/// ``ServerConfiguration`` values always win over what is read here; the CPU limit sets the
/// default `workerCount`.
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
  /// `NUMAFLOW_CPU_LIMIT`: the container's CPU limit in cores, when set. Kubernetes rounds it
  /// up to whole cores, and reports the node's capacity when the container sets no limit.
  public var cpuLimit: Double?
  /// `NUMAFLOW_CPU_REQUEST`: the container's CPU request in cores (rounded up).
  public var cpuRequest: Double?
  /// `NUMAFLOW_MEMORY_LIMIT`: the container's memory limit in bytes (the node's capacity when
  /// the container sets no limit).
  public var memoryLimit: Int?
  /// `NUMAFLOW_MEMORY_REQUEST`: the container's memory request in bytes.
  public var memoryRequest: Int?
  /// `NUMAFLOW_NAMESPACE`: the pod's namespace.
  public var namespace: String?
  /// `NUMAFLOW_PIPELINE_NAME`: the pipeline, for a vertex of one (`nil` in a MonoVertex).
  public var pipelineName: String?
  /// `NUMAFLOW_VERTEX_NAME`: the vertex's name in its pipeline.
  public var vertexName: String?
  /// `NUMAFLOW_MONO_VERTEX_NAME`: the MonoVertex, for a UDF of one.
  public var monoVertexName: String?
  /// `NUMAFLOW_POD`: the pod's name.
  public var pod: String?
  /// `NUMAFLOW_REPLICA`: the replica's index among the vertex's pods, from 0.
  public var replica: Int?
  /// `NUMAFLOW_SWIFT_GRACE_PERIOD`: seconds the server keeps serving after SIGTERM (the default
  /// ``ServerConfiguration/shutdownGracePeriod``). Set it a little below the pod's
  /// `terminationGracePeriodSeconds` when that is not Kubernetes' 30.
  public var gracePeriod: Duration?
  /// The variables that are set to something that cannot be read (`NUMAFLOW_CPU_LIMIT=two`):
  /// each is ignored as if unset, and the server logs a warning naming it.
  public var unreadable: [String] = []

  /// The vertex this UDF serves: the pipeline vertex's name, or the MonoVertex's.
  public var vertex: String? { vertexName ?? monoVertexName }

  /// Reads a set of variables, such as `ProcessInfo.processInfo.environment`.
  public init(_ variables: [String: String]) {
    let containerType = variables["NUMAFLOW_UD_CONTAINER_TYPE"] ?? ""
    self.containerType = containerType.isEmpty ? "unknown-container" : containerType
    self.debug = ["true", "1", "yes"].contains(variables["NUMAFLOW_DEBUG"]?.lowercased() ?? "")
    let runDirectory = variables[Self.runDirectoryVariable] ?? ""
    self.runDirectory = runDirectory.isEmpty ? nil : runDirectory
    func text(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
    var unreadable: [String] = []
    // At most `limit`: beyond it a count of bytes or milliseconds would not fit an Int64.
    func positive(_ name: String, atMost limit: Double = 1e15) -> Double? {
      guard let text = text(name) else { return nil }
      guard let value = Double(text), value > 0, value <= limit else {
        unreadable.append("\(name)=\(text) (not a positive number up to \(limit))")
        return nil
      }
      return value
    }
    self.cpuLimit = positive("NUMAFLOW_CPU_LIMIT")
    self.cpuRequest = positive("NUMAFLOW_CPU_REQUEST")
    self.memoryLimit = positive("NUMAFLOW_MEMORY_LIMIT").map { Int($0) }
    self.memoryRequest = positive("NUMAFLOW_MEMORY_REQUEST").map { Int($0) }
    self.namespace = text("NUMAFLOW_NAMESPACE")
    self.pipelineName = text("NUMAFLOW_PIPELINE_NAME")
    self.vertexName = text("NUMAFLOW_VERTEX_NAME")
    self.monoVertexName = text("NUMAFLOW_MONO_VERTEX_NAME")
    self.pod = text("NUMAFLOW_POD")
    self.replica = text("NUMAFLOW_REPLICA").flatMap(Int.init)
    self.gracePeriod = positive(Self.gracePeriodVariable, atMost: 1e9).map {
      .milliseconds(Int64(($0 * 1000).rounded()))
    }
    self.unreadable = unreadable
  }

  /// This process's environment, read the first time it is used.
  public static let current = PlatformEnvironment(ProcessInfo.processInfo.environment)

  /// The variable that relocates `/var/run/numaflow`.
  public static let runDirectoryVariable = "NUMAFLOW_SWIFT_RUN_DIR"

  /// The variable that sets the shutdown grace period, in seconds.
  public static let gracePeriodVariable = "NUMAFLOW_SWIFT_GRACE_PERIOD"
}
