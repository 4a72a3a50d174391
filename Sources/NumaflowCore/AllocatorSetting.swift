import CNumaflowMalloc
import Logging
import Synchronization

/// The glibc allocator settings a server runs best with, which the images set in their
/// environment (`Docker/runtime.env`) and the server sets at start-up where the environment
/// does not: a binary started by another Dockerfile, `swift run` or a test runs as lean as the
/// images do.
///
/// - `MALLOC_ARENA_MAX=2`: glibc's default, up to eight arenas per core as threads contend,
///   bloats a small server's heap; two measured 10-15% less peak RSS.
/// - `MALLOC_TOP_PAD_=1048576`: glibc keeps 1 MiB free at the top of its heap instead of handing
///   it back to the kernel after each large free and faulting it in again; a map answering
///   10 KiB messages did so 1.3-3.3 times per message, about 20% of its CPU.
///
/// A variable set in the environment (even to nothing) or a `GLIBC_TUNABLES` entry for the same
/// setting is the operator's choice and wins. Set at start-up, the arena limit binds the
/// arenas made after it: glibc reads the environment before `main`, so the variable binds them
/// all. Elsewhere than glibc (musl, Darwin) nothing is set.
package enum AllocatorSetting: CaseIterable, Sendable {
  case arenaMax
  case topPad

  /// The environment variable glibc reads for it.
  package var variable: String {
    switch self {
    case .arenaMax: "MALLOC_ARENA_MAX"
    case .topPad: "MALLOC_TOP_PAD_"
    }
  }

  /// Its name in `GLIBC_TUNABLES`.
  package var tunable: String {
    switch self {
    case .arenaMax: "glibc.malloc.arena_max"
    case .topPad: "glibc.malloc.top_pad"
    }
  }

  /// The value the server sets: `Docker/runtime.env`'s.
  package var value: Int {
    switch self {
    case .arenaMax: 2
    case .topPad: 1024 * 1024
    }
  }

  /// The settings `environment` leaves to the server.
  package static func unset(in environment: [String: String]) -> [AllocatorSetting] {
    let tunables = Set(
      (environment["GLIBC_TUNABLES"] ?? "").split(separator: ":").map { $0.prefix { $0 != "=" } })
    return allCases.filter { environment[$0.variable] == nil && !tunables.contains(Substring($0.tunable)) }
  }

  /// Sets, once per process, what `environment` leaves unset, and logs what was set at debug
  /// level. Later calls do nothing.
  package static func applyOnce(environment: [String: String], logger: Logger) {
    guard applied.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
    let settings = unset(in: environment)
    guard !settings.isEmpty else { return }
    let taken = settings.filter { $0.apply() }
    if taken.isEmpty {
      logger.debug("no allocator setting applied: the C library is not glibc")
    } else {
      logger.debug(
        "allocator settings applied",
        metadata: ["settings": "\(taken.map { "\($0.variable)=\($0.value)" }.joined(separator: " "))"])
    }
  }

  private static let applied = Atomic(false)

  /// Sets it now; whether glibc took it.
  package func apply() -> Bool {
    switch self {
    case .arenaMax: c_numaflow_mallopt(C_NUMAFLOW_ARENA_MAX, CInt(value)) == 1
    case .topPad: c_numaflow_mallopt(C_NUMAFLOW_TOP_PAD, CInt(value)) == 1
    }
  }
}
