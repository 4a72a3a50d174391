import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowTesting

/// A started server that has passed numa's start-up sequence: server-info read and checked,
/// socket present, IsReady answered.
struct ServerSession {
  let process: ServerProcess
  let info: ServerInfoCheck
  let kind: UDFKind
  let socketPath: String

  /// Starts `command` and goes through numa's start-up; on failure the server is stopped.
  /// With a `kind`, the server must serve `endpoint` (the kind's first by default) and gets
  /// `containerType` (the kind's by default) as `NUMAFLOW_UD_CONTAINER_TYPE`.
  static func start(
    command: [String],
    kind: UDFKind?,
    endpoint: Endpoint? = nil,
    containerType: String? = nil,
    runDirectory: String?,
    environment: [String: String] = [:],
    timeout: Duration = .seconds(30),
    log: (String) -> Void
  ) async throws -> ServerSession {
    let variable = containerType ?? kind?.containerType
    let process = try ServerProcess(
      command: command, runDirectory: runDirectory,
      environment: environment.merging(variable.map { ["NUMAFLOW_UD_CONTAINER_TYPE": $0] } ?? [:]) { $1 })
    let expected = endpoint ?? kind?.endpoint
    do {
      let infoPath: String
      if let expected {
        infoPath = try await process.waitForFile(
          named: expected.containerType.serverInfoFileName, timeout: timeout)
      } else {
        infoPath = try await waitForAnyServerInfo(process, timeout: timeout)
      }
      let info = try ServerInfoCheck(path: infoPath)
      log("server-info: \(info.summary)")
      for note in info.notes { log("note: \(note)") }
      let socketPath = try await process.waitForFile(named: info.socketFileName, timeout: timeout)
      guard let detected = UDFKind(info) else {
        throw ValidationFailure(
          "numaflow-dev drives \(UDFKind.allValueStrings.joined(separator: ", ")) servers; "
            + "this is a \(info.containerType) server on \(info.socketFileName)")
      }
      if let kind, kind.name != detected.name {
        throw ValidationFailure("expected a \(kind) server, but its server-info describes a \(detected) server")
      }
      if let expected, expected.socketFileName != info.socketFileName {
        throw ValidationFailure(
          "expected a server on \(expected.socketFileName), but its server-info points numa to \(info.socketFileName)")
      }
      guard try await detected.isReady(socketPath) else {
        throw ValidationFailure("IsReady answered ready=false: numa's liveness checks would fail")
      }
      log("IsReady: ready")
      return ServerSession(process: process, info: info, kind: detected, socketPath: socketPath)
    } catch {
      _ = await process.stop()
      throw error
    }
  }

  private static func waitForAnyServerInfo(_ process: ServerProcess, timeout: Duration) async throws -> String {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: process.runDirectory)) ?? []
      if let name = names.first(where: { $0.hasSuffix("-server-info") }) {
        return try await process.waitForFile(named: name, timeout: timeout)
      }
      if let status = await process.process.exitStatus(within: .milliseconds(50)) {
        throw ValidationFailure("the server exited with status \(status) before writing server-info")
      }
    }
    throw ValidationFailure("the server wrote no server-info file within \(timeout)")
  }
}

/// Progress and diagnostics go to stderr; stdout carries results only.
func log(_ message: String) {
  FileHandle.standardError.write(Data("numaflow-dev: \(message)\n".utf8))
}
