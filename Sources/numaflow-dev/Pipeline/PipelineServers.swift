import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowSideInput
import NumaflowTesting

/// A started server of a pipeline: its process, its socket, and what kind its server-info says.
struct RunningServer: Sendable {
  let process: ServerProcess
  let socketPath: String
  /// `map`, `mapstream`, `batchmap`, `reduce`, `sink`, ... (`UDFKind.name`).
  let kind: String
}

/// Every user container of a pipeline, started as a local process the way the platform starts
/// it (its `NUMAFLOW_UD_CONTAINER_TYPE`, the vertex's variables, its side-input directory), and
/// past numa's start-up checks.
struct PipelineServers: Sendable {
  /// By container: `VERTEX` for a vertex's UDF, source or primary sink, `VERTEX/transformer`,
  /// `VERTEX/fallback`, `VERTEX/onSuccess`, and each side input's name for its retriever.
  let servers: [String: RunningServer]
  /// Each side-input consumer's directory, by vertex.
  let sideInputDirectories: [String: SideInputDirectory]

  /// Where each container's command comes from.
  struct Commands: Sendable {
    /// `--udf CONTAINER=COMMAND`, split on spaces: the whole command line.
    var given: [String: [String]]
    /// Where an image `numaflow-swift/<example>:tag` (or any `<name>:tag`) finds `<name>`.
    var binDirectory: String
    /// `--env CONTAINER:NAME=VALUE`: variables set over the manifest's, by container.
    var environment: [String: [String: String]] = [:]
    /// `--run-dir CONTAINER=DIR`: a container's socket directory, for a server that does not
    /// read `NUMAFLOW_SWIFT_RUN_DIR` (other SDKs use `/var/run/numaflow`).
    var runDirectories: [String: String] = [:]

    /// The command for a container: `--udf`'s (which replaces the container's command and
    /// args), or the binary named by the image followed by the container's `args`, as a pod
    /// runs the image's entrypoint with them.
    func command(for container: String, _ spec: PipelineSpec.Container) throws -> [String] {
      if let given = given[container] { return given }
      let name = spec.image.split(separator: "/").last.map { String($0.split(separator: ":")[0]) } ?? spec.image
      let path = (binDirectory as NSString).appendingPathComponent(name)
      guard spec.command.isEmpty, CommandSearch.isExecutableFile(path) else {
        throw ValidationFailure(
          "\(container): no program for image \(spec.image) (looked for \(path)): "
            + "give --udf \(container)=COMMAND, or build the example (swift build --product \(name))")
      }
      return [path] + spec.args
    }
  }

  /// One container to start: where numa looks for it.
  private struct Plan: Sendable {
    var name: String
    var container: PipelineSpec.Container
    var endpoint: Endpoint?
    var containerType: String
    var vertex: String
  }

  static func start(_ spec: PipelineSpec, commands: Commands) async throws -> PipelineServers {
    var directories: [String: SideInputDirectory] = [:]
    for vertex in spec.vertices where !vertex.sideInputs.isEmpty {
      directories[vertex.name] = try SideInputDirectory()
    }
    let plans = try Self.plans(spec)
    for container in Set(commands.given.keys).union(commands.environment.keys).union(commands.runDirectories.keys)
    where !plans.contains(where: { $0.name == container }) {
      throw ValidationFailure(
        "--udf, --env or --run-dir names \(container), which is no container of the manifest; its containers: "
          + plans.map(\.name).joined(separator: ", "))
    }
    // Commands first: a missing program is reported before anything starts.
    let commandLines = try Dictionary(
      uniqueKeysWithValues: plans.map { ($0.name, try commands.command(for: $0.name, $0.container)) })
    let directoriesByVertex = directories
    let sessions = try await withThrowingTaskGroup(of: (String, RunningServer).self) { group in
      for plan in plans {
        var environment = plan.container.environment.merging(commands.environment[plan.name] ?? [:]) { $1 }
        environment["NUMAFLOW_PIPELINE_NAME"] = spec.name
        environment["NUMAFLOW_VERTEX_NAME"] = plan.vertex
        environment["NUMAFLOW_REPLICA"] = "0"
        if let directory = directoriesByVertex[plan.vertex] {
          environment[SideInputs.directoryVariable] = directory.path
        }
        let command = commandLines[plan.name]!
        let runDirectory = commands.runDirectories[plan.name]
        group.addTask {
          let session: ServerSession
          do {
            session = try await ServerSession.start(
              command: command, kind: nil, endpoint: plan.endpoint, containerType: plan.containerType,
              runDirectory: runDirectory, environment: environment, log: { log("\(plan.name): \($0)") })
          } catch {
            throw ValidationFailure("\(plan.name) (\(command.joined(separator: " "))): \(error)")
          }
          let server = RunningServer(
            process: session.process, socketPath: session.socketPath, kind: session.kind.name)
          return (plan.name, server)
        }
      }
      // Every start is awaited, even after one failed, so that no server started meanwhile is
      // left running: on a failure, all that started are stopped.
      var sessions: [String: RunningServer] = [:]
      var failure: (any Error)?
      while let result = await group.nextResult() {
        switch result {
        case .success(let (name, session)): sessions[name] = session
        case .failure(let error): failure = failure ?? error
        }
      }
      if let failure {
        for session in sessions.values { _ = await session.process.stop() }
        throw failure
      }
      return sessions
    }
    return PipelineServers(servers: sessions, sideInputDirectories: directories)
  }

  /// Stops every server (SIGTERM, as the platform does) and returns their exit statuses.
  func stop() async -> [String: Int32] {
    var statuses: [String: Int32] = [:]
    for (name, server) in servers.sorted(by: { $0.key < $1.key }) {
      statuses[name] = await server.process.stop()
    }
    for directory in sideInputDirectories.values { directory.remove() }
    return statuses
  }

  /// Connections opened by ``withConnections(_:)``, by container.
  private var connections: [String: TestConnection] = [:]

  /// Where a container's calls go: its one connection within ``withConnections(_:)``, as numa
  /// keeps one per container, else a new one per call.
  func connection(_ container: String) -> TestConnection {
    connections[container] ?? TestConnection(.socket(servers[container]!.socketPath))
  }

  /// Runs `body` with one connection open to every container, each shared by all its calls.
  func withConnections<Result: Sendable>(_ body: @Sendable @escaping (PipelineServers) async throws -> Result)
    async throws -> Result
  {
    try await open(servers.keys.sorted()[...], into: self, body)
  }

  private func open<Result: Sendable>(
    _ remaining: ArraySlice<String>, into opened: PipelineServers,
    _ body: @Sendable @escaping (PipelineServers) async throws -> Result
  ) async throws -> Result {
    guard let name = remaining.first else { return try await body(opened) }
    return try await TestTarget.socket(servers[name]!.socketPath).withConnection { target in
      var next = opened
      next.connections[name] = TestConnection(target)
      return try await open(remaining.dropFirst(), into: next, body)
    }
  }

  /// The container name of a ServingPipeline's store, for `--udf`.
  static let servingStore = "serving-store"

  private static func plans(_ spec: PipelineSpec) throws -> [Plan] {
    var plans: [Plan] = []
    for vertex in spec.vertices {
      let name = vertex.name
      switch vertex.role {
      case .source(let source):
        if case .userDefined(let container) = source.kind {
          plans.append(
            Plan(name: name, container: container, endpoint: .source, containerType: "udsource", vertex: name))
        }
        if let transformer = source.transformer {
          plans.append(
            Plan(
              name: "\(name)/transformer", container: transformer, endpoint: .sourceTransformer,
              containerType: "transformer", vertex: name))
        }
      case .udf(let udf):
        if let container = udf.container {
          plans.append(Plan(name: name, container: container, endpoint: nil, containerType: "udf", vertex: name))
        }
      case .sink(let sink):
        let roles: [(String, PipelineSpec.SinkTarget?, Endpoint, String)] = [
          (name, sink.primary, .sink, "udsink"), ("\(name)/fallback", sink.fallback, .fallbackSink, "fb-udsink"),
          ("\(name)/onSuccess", sink.onSuccess, .onSuccessSink, "ons-udsink"),
        ]
        for (role, target, endpoint, type) in roles {
          if case .userDefined(let container) = target {
            plans.append(Plan(name: role, container: container, endpoint: endpoint, containerType: type, vertex: name))
          }
        }
      }
    }
    if let store = spec.servingStore {
      plans.append(
        Plan(
          name: Self.servingStore, container: store, endpoint: .serving, containerType: "udstore",
          vertex: Self.servingStore))
    }
    for sideInput in spec.sideInputs {
      if spec.vertex(named: sideInput.name) != nil {
        throw ValidationFailure("side input \(sideInput.name) has a vertex's name: --udf could not tell them apart")
      }
      plans.append(
        Plan(
          name: sideInput.name, container: sideInput.container, endpoint: .sideInput, containerType: "udsi",
          vertex: sideInput.name))
    }
    return plans
  }
}
