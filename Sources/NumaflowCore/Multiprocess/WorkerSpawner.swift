#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts worker processes: the same binary, re-executed (never `fork()`ed, which is unsafe in
/// a running Swift process), with one end of a socket pair as descriptor 3 and
/// `NUMAFLOW_SWIFT_WORKER_FD=3` in its environment. The user's `main` runs unchanged; the
/// server's `run()` notices the variable and becomes a worker.
package enum WorkerSpawner {
  static let descriptorVariable = "NUMAFLOW_SWIFT_WORKER_FD"
  static let indexVariable = "NUMAFLOW_SWIFT_WORKER_INDEX"
  static let childDescriptor: CInt = 3

  struct Spawned {
    var pid: pid_t
    /// The server's end of the socket pair.
    var descriptor: CInt
  }

  /// What a worker runs: this very binary with this process's arguments, unless a test says
  /// otherwise.
  package struct Command: Sendable {
    package var executable: String
    package var arguments: [String]

    package init(executable: String, arguments: [String]) {
      self.executable = executable
      self.arguments = arguments
    }

    /// This binary, re-executed with the same arguments: the user's `main` runs unchanged and
    /// becomes a worker.
    package static var thisBinary: Command { Command(executable: executablePath, arguments: CommandLine.arguments) }
  }

  static func spawn(index: Int, command: Command) throws -> Spawned {
    var pair: [CInt] = [-1, -1]
    #if os(Linux)
    let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
    #else
    let type = SOCK_STREAM
    #endif
    guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
      throw ConfigurationError(
        .workerSpawn, "cannot create a socket pair for worker \(index): \(String(cString: strerror(errno)))")
    }
    var (parentEnd, childEnd) = (pair[0], pair[1])
    // dup2 onto the same number would keep close-on-exec set: move the child's end first.
    if childEnd == childDescriptor {
      let moved = fcntl(childEnd, F_DUPFD_CLOEXEC, 10)
      close(childEnd)
      childEnd = moved
    }
    defer { close(childEnd) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, childEnd, childDescriptor)

    var environment = ProcessInfo.processInfo.environment
    environment[descriptorVariable] = String(childDescriptor)
    environment[indexVariable] = String(index)
    let argv = command.arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }

    var pid = pid_t()
    let status = posix_spawn(&pid, command.executable, &actions, nil, argv, envp)
    guard status == 0 else {
      close(parentEnd)
      throw ConfigurationError(
        .workerSpawn,
        "cannot start worker process \(index) from \(command.executable): \(String(cString: strerror(status))); "
          + "multiprocess mode re-executes the server's own binary, which must stay in place while it runs")
    }
    return Spawned(pid: pid, descriptor: parentEnd)
  }

  /// This very binary, even if it was started through a relative path or a symlink.
  static var executablePath: String {
    #if os(Linux)
    "/proc/self/exe"
    #else
    CommandLine.arguments[0]
    #endif
  }

  /// How a worker that has exited ended, or `nil` while it still runs. Never blocks.
  static func exitDescription(of pid: pid_t) -> String? {
    var status: CInt = 0
    var result: pid_t
    repeat {
      result = waitpid(pid, &status, WNOHANG)
    } while result == -1 && errno == EINTR
    if result == 0 { return nil }
    guard result == pid else { return "ended (its exit status could not be read)" }
    let signal = status & 0x7f
    if signal == 0 {
      return "exited with status \((status >> 8) & 0xff)"
    }
    let name = signalNames[signal].map { " (\($0))" } ?? ""
    return "was killed by signal \(signal)\(name)"
  }

  /// Waits up to `timeout` for a worker to exit, polling; how it ended, or `nil` if it still runs.
  static func exitDescription(of pid: pid_t, within timeout: Duration) async -> String? {
    let deadline = ContinuousClock.now + timeout
    while true {
      if let description = exitDescription(of: pid) { return description }
      guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(10))) != nil else { return nil }
    }
  }

  static func exitedCleanly(_ description: String) -> Bool {
    description == "exited with status 0"
  }

  private static let signalNames: [CInt: String] = [
    SIGILL: "SIGILL: a Swift runtime trap such as fatalError, a force-unwrapped nil or an index out of range",
    SIGTRAP: "SIGTRAP: a Swift runtime trap such as fatalError, a force-unwrapped nil or an index out of range",
    SIGABRT: "SIGABRT: the process aborted",
    SIGSEGV: "SIGSEGV: an invalid memory access",
    SIGBUS: "SIGBUS: an invalid memory access",
    SIGKILL: "SIGKILL: killed, perhaps by the out-of-memory killer",
    SIGTERM: "SIGTERM",
  ]
}
