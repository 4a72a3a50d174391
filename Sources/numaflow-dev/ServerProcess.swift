import Foundation
import NumaflowDevKit
import NumaflowTesting

#if canImport(Glibc)
import Glibc
#endif

/// A UDF server binary started the way the platform starts a UD container, with its socket
/// directory in a private temporary directory unless told otherwise.
final class ServerProcess: Sendable {
  let process: ChildProcess
  let runDirectory: String
  /// Whether the run directory is ours to remove when the server stops.
  private let ownsRunDirectory: Bool

  /// Starts `command` (the binary, then its arguments) with its socket directory in
  /// `runDirectory`, or in a private temporary one. Its output goes to our stderr so that
  /// stdout carries only results.
  init(command: [String], runDirectory given: String? = nil, environment extra: [String: String] = [:]) throws {
    guard let executable = command.first else {
      throw ValidationFailure("no server given: put the server binary and its arguments after --")
    }
    ownsRunDirectory = given == nil
    runDirectory =
      given
      ?? (NSTemporaryDirectory() as NSString).appendingPathComponent(
        "numaflow-dev-\(getpid())-\(UUID().uuidString.prefix(6))")
    do {
      try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    } catch {
      throw ValidationFailure("cannot create the run directory \(runDirectory): \(error.localizedDescription)")
    }
    // A server-info left by an earlier run would be read before the new server replaces it.
    for name in (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []
    where name.hasSuffix("-server-info") {
      try? FileManager.default.removeItem(atPath: (runDirectory as NSString).appendingPathComponent(name))
    }

    var environment = ProcessInfo.processInfo.environment
    environment["NUMAFLOW_SWIFT_RUN_DIR"] = runDirectory
    environment["NUMAFLOW_UD_CONTAINER_TYPE"] = environment["NUMAFLOW_UD_CONTAINER_TYPE"] ?? "udf"
    environment.merge(extra) { $1 }
    let resolved = CommandSearch.resolve(
      executable, path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    do {
      process = try ChildProcess(
        executable: resolved, arguments: Array(command.dropFirst()), environment: environment,
        standardOutput: FileHandle.standardError, standardError: FileHandle.standardError)
    } catch {
      // Foundation's launch errors name no file; say which command could not start, and from where.
      throw ValidationFailure(
        "cannot start \(resolved) (from \(FileManager.default.currentDirectoryPath)): \(error.localizedDescription)")
    }
  }

  var pid: Int32 { process.pid }

  /// Waits for `name` to appear in the run directory, as numa polls for it: a socket, or a
  /// file with content.
  func waitForFile(named name: String, timeout: Duration) async throws -> String {
    let path = (runDirectory as NSString).appendingPathComponent(name)
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        attributes[.type] as? FileAttributeType == .typeSocket || (attributes[.size] as? Int ?? 0) > 0
      {
        return path
      }
      if let status = await process.exitStatus(within: .milliseconds(50)) {
        throw ValidationFailure("the server exited with status \(status) before writing \(name)")
      }
    }
    throw ValidationFailure(
      "the server wrote no \(name) within \(timeout) (numa would keep waiting, logging \"not ready\")")
  }

  /// Sends SIGTERM, as Kubernetes does, and waits for the exit status.
  /// SIGKILL follows if it has not exited within `timeout`.
  func stop(timeout: Duration = .seconds(30)) async -> Int32 {
    let status = await process.stop(grace: timeout)
    if ownsRunDirectory { try? FileManager.default.removeItem(atPath: runDirectory) }
    return status
  }

  /// CPU time (user + system) used so far by the server and all its descendants, in seconds.
  var cpuSeconds: Double { CPUUsage.seconds(ofTree: pid) }
}

/// Reads CPU time from /proc (Linux).
enum CPUUsage {
  static func seconds(ofTree root: Int32) -> Double {
    var total = 0.0
    var parents: [Int32: Int32] = [:]
    var own: [Int32: Double] = [:]
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
      guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // Fields after "(comm)": state ppid ... utime(14) stime(15), counted from 1 at pid.
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 13, let ppid = Int32(fields[1]), let user = Double(fields[11]),
        let system = Double(fields[12])
      else { continue }
      parents[pid] = ppid
      own[pid] = (user + system) / ticks
    }
    for (pid, seconds) in own where isDescendant(pid, of: root, parents: parents) {
      total += seconds
    }
    return total
  }

  private static func isDescendant(_ pid: Int32, of root: Int32, parents: [Int32: Int32]) -> Bool {
    var current = pid
    for _ in 0..<64 {
      if current == root { return true }
      guard let parent = parents[current], parent > 1 else { return false }
      current = parent
    }
    return false
  }
}
