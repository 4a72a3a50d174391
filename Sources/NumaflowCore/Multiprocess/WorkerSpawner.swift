import Foundation

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
enum WorkerSpawner {
  static let descriptorVariable = "NUMAFLOW_SWIFT_WORKER_FD"
  static let indexVariable = "NUMAFLOW_SWIFT_WORKER_INDEX"
  static let childDescriptor: CInt = 3

  struct Spawned {
    var pid: pid_t
    /// The server's end of the socket pair.
    var descriptor: CInt
  }

  static func spawn(index: Int) throws -> Spawned {
    var pair: [CInt] = [-1, -1]
    #if os(Linux)
    let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
    #else
    let type = SOCK_STREAM
    #endif
    guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
      throw ConfigurationError("cannot create a socket pair for worker \(index): \(String(cString: strerror(errno)))")
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
    let arguments = CommandLine.arguments
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }

    var pid = pid_t()
    let status = posix_spawn(&pid, executablePath, &actions, nil, argv, envp)
    guard status == 0 else {
      close(parentEnd)
      throw ConfigurationError(
        "cannot start worker \(index) from \(executablePath): \(String(cString: strerror(status)))")
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

  /// Waits for a worker to exit (on a thread of its own, as waitpid blocks) and says how it ended.
  static func exitDescription(of pid: pid_t) -> String {
    var status: CInt = 0
    var result: pid_t
    repeat {
      result = waitpid(pid, &status, 0)
    } while result == -1 && errno == EINTR
    guard result == pid else { return "ended (its exit status could not be read)" }
    let signal = status & 0x7f
    if signal == 0 {
      return "exited with status \((status >> 8) & 0xff)"
    }
    let name = signalNames[signal].map { " (\($0))" } ?? ""
    return "was killed by signal \(signal)\(name)"
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
