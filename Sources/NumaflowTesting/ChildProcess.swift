import Foundation
import NumaflowCore

#if canImport(Glibc)
import Glibc
#endif

/// A process started from Swift concurrency whose exit is awaited without holding a thread:
/// Foundation reaps it on its own monitoring thread and signals an event that tasks suspend on.
///
/// `Process.waitUntilExit()` and `FileHandle.readDataToEndOfFile()` block the calling thread;
/// on a cooperative thread (a 2-core machine has two) that starves every other task for as
/// long as the child runs. `numaflow-dev` and the integration tests start servers through this
/// type instead, and stop them by pid.
package final class ChildProcess: @unchecked Sendable {
  // @unchecked: `process` is configured before `run()` and only read after; `exited` is Sendable.
  private let process = Process()
  private let exited = OneShotEvent()
  /// What the command line looked like, for messages.
  package let commandLine: String

  /// Starts `executable` with `arguments` and `environment`. Its standard output and error go
  /// where given (inherited when `nil`).
  package init(
    executable: String,
    arguments: [String],
    environment: [String: String],
    standardOutput: FileHandle? = nil,
    standardError: FileHandle? = nil
  ) throws {
    commandLine = ([executable] + arguments).joined(separator: " ")
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    if let standardOutput { process.standardOutput = standardOutput }
    if let standardError { process.standardError = standardError }
    process.terminationHandler = { [exited] _ in exited.signal() }
    try process.run()
  }

  package var pid: Int32 { process.processIdentifier }

  /// Whether the process has not been reaped yet.
  package var isRunning: Bool { !exited.isSignalled }

  /// Sends `signal` unless the process has already exited.
  package func send(_ signal: Int32) {
    if isRunning { kill(pid, signal) }
  }

  /// Suspends until the process exits (or this task is cancelled), then returns its exit
  /// status: its code, or 128 + the signal that killed it, as a shell reports it.
  package func exitStatus() async -> Int32 {
    await exited.wait()
    return status
  }

  /// The exit status, or `nil` if the process is still running after `limit`.
  package func exitStatus(within limit: Duration) async -> Int32? {
    await withTaskGroup(of: Int32?.self) { group in
      group.addTask { await self.exitStatus() }
      group.addTask {
        try? await Task.sleep(for: limit)
        return nil
      }
      defer { group.cancelAll() }
      return await group.next() ?? nil
    }
  }

  /// SIGTERM, then SIGKILL if it has not exited within `grace`; returns the exit status.
  package func stop(grace: Duration) async -> Int32 {
    send(SIGTERM)
    if let status = await exitStatus(within: grace) { return status }
    send(SIGKILL)
    return await exitStatus()
  }

  private var status: Int32 {
    guard !isRunning else { return -1 }
    return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
  }
}
