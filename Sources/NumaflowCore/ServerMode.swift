/// Where a server runs its handler. All modes serve the same single Unix-socket endpoint.
///
/// | mode | handler | runs on | for |
/// |---|---|---|---|
/// | `.async` | `async throws` | child tasks, at most `maxConcurrentRequests` at once | I/O-bound work |
/// | `.async` | plain `throws` | inline, in the loop that reads the stream | quick, non-blocking code |
/// | `.sync` | plain `throws` | a pool of dedicated OS threads | blocking calls, CPU loops |
/// | `.multiprocess` | either | worker processes (the same binary, re-executed) | isolating native code and traps |
///
/// In `.async` mode both kinds of handler run on the server's event-loop thread, beside the
/// connection's I/O (the server prefers it as the task executor of everything it serves): a
/// message needs no hop between threads. Long computations belong in `.sync` or
/// `.multiprocess`, or in `withTaskExecutorPreference(globalConcurrentExecutor)` within an async
/// handler. `.sync` mode hands the requests read in one turn of that loop to its threads
/// together, so a quick blocking handler costs about what an inline one does. In
/// `.multiprocess` mode each worker process runs `async` handlers on the thread of its
/// socket's event loop (one that computes for long holds up that worker's I/O, not the other
/// workers') and blocking handlers on a thread of their own, one request at a time.
///
/// Each server offers only the modes that fit its kind and handler, and the compiler holds you
/// to them: `Modes` is one of ``AsyncOrMultiprocess``, ``AnyMode`` or ``SyncOrAsync``, and a
/// mode that set does not offer is not a member of the type.
///
/// ```swift
/// await MapServer(mode: .multiprocess, mapper: Uppercase()).runService()   // compiles
/// await MapServer(mode: .sync, mapper: Uppercase()).runService()           // does not: an async
///                                                                        // mapper has no sync mode
/// try await MapServer(mode: .commandLine(), mapper: Uppercase()).runService()  // --mode NAME, checked
/// ```
public struct ServerMode<Modes: ModeSet>: Sendable, Hashable, CustomStringConvertible {
  /// The mode's name, as `--mode` spells it: `async`, `sync` or `multiprocess`.
  public let name: String

  private init(_ name: String) { self.name = name }

  public var description: String { name }

  /// Every mode `Modes` offers, in the order the documentation lists them.
  public static var all: [ServerMode] { Modes.names.map(ServerMode.init) }

  /// The mode with this name, if `Modes` offers it.
  public init?(name: String) {
    guard let mode = Self.all.first(where: { $0.name == name }) else { return nil }
    self = mode
  }

  /// The mode named by `--mode NAME` (or `--mode=NAME`) in `arguments`; `defaultMode` when
  /// there is none. For small binaries such as the examples:
  ///
  /// ```swift
  /// try await MapServer(mode: .commandLine(), mapper: EvenOdd()).runService()
  /// ```
  /// - Throws: ``ConfigurationError`` with code ``ConfigurationError/Code/unknownMode`` naming
  ///   the modes this server offers, when the value is missing or not one of them.
  public static func commandLine(
    _ arguments: [String] = CommandLine.arguments,
    default defaultMode: ServerMode? = nil
  ) throws -> ServerMode {
    let offered = all.map(\.name).joined(separator: ", ")
    var value: String?
    var remaining = arguments.dropFirst()[...]
    while let argument = remaining.popFirst() {
      if argument == "--mode" {
        guard let next = remaining.popFirst() else {
          throw ConfigurationError(.unknownMode, "--mode needs a value: one of \(offered)")
        }
        value = next
      } else if argument.hasPrefix("--mode=") {
        value = String(argument.dropFirst("--mode=".count))
      }
    }
    guard let value else { return defaultMode ?? all[0] }
    guard let mode = ServerMode(name: value) else {
      throw ConfigurationError(.unknownMode, "unknown server mode '\(value)' for this server: use one of \(offered)")
    }
    return mode
  }
}

extension ServerMode where Modes: OffersAsyncMode {
  /// Handlers run as child tasks of the stream, bounded by `maxConcurrentRequests`; a blocking
  /// handler runs inline instead, in the loop that reads the stream.
  public static var async: ServerMode { ServerMode("async") }
}

extension ServerMode where Modes: OffersSyncMode {
  /// Handlers run on a pool of `workerCount` dedicated OS threads.
  public static var sync: ServerMode { ServerMode("sync") }
}

extension ServerMode where Modes: OffersMultiprocessMode {
  /// Handlers run in `workerCount` worker processes behind the one endpoint.
  public static var multiprocess: ServerMode { ServerMode("multiprocess") }
}

// A mode a set does not offer is not a member of its type. These spell out why, in the
// compiler's error, for the two sets that lack a mode a user may reach for.
extension ServerMode where Modes == AsyncOrMultiprocess {
  @available(
    *, unavailable,
    message: "an async handler has no sync mode: use .async or .multiprocess, or write a Sync handler"
  )
  public static var sync: ServerMode { fatalError("unavailable") }
}

extension ServerMode where Modes == SyncOrAsync {
  @available(
    *, unavailable, message: "this server has no multiprocess mode (batches arrive one at a time): use .sync or .async"
  )
  public static var multiprocess: ServerMode { fatalError("unavailable") }
}

extension ServerMode {
  /// Where this mode runs a handler of the given shape.
  package func placement(synchronousHandler: Bool) -> Placement {
    switch name {
    case "sync": .threads
    case "multiprocess": .processes
    default: synchronousHandler ? .inline : .tasks
    }
  }
}

/// Where one handler call runs: the mode a user picked, resolved for the handler's shape.
package enum Placement: Sendable, Hashable {
  /// A child task per call.
  case tasks
  /// In the loop that reads the stream (a plain `throws` handler in async mode).
  case inline
  /// A pool of dedicated threads.
  case threads
  /// Worker processes.
  case processes
}

/// The modes a server offers, as a type: the `Modes` of ``ServerMode``. A server's initializer
/// names the set it accepts; the sets below are the ones this SDK's servers use.
public protocol ModeSet: Sendable {
  /// The names of the modes offered, the default first.
  static var names: [String] { get }
}

/// A mode set with `.async`.
public protocol OffersAsyncMode: ModeSet {}

/// A mode set with `.sync`.
public protocol OffersSyncMode: ModeSet {}

/// A mode set with `.multiprocess`.
public protocol OffersMultiprocessMode: ModeSet {}

/// `.async` (the default) or `.multiprocess`: the modes of an `async` handler whose calls are
/// independent (`Mapper`, `SourceTransformer`).
public enum AsyncOrMultiprocess: OffersAsyncMode, OffersMultiprocessMode {
  public static var names: [String] { ["async", "multiprocess"] }
}

/// `.sync` (the default), `.async` (inline) or `.multiprocess`: the modes of a blocking
/// handler whose calls are independent (`SyncMapper`, `SyncSourceTransformer`).
public enum AnyMode: OffersSyncMode, OffersAsyncMode, OffersMultiprocessMode {
  public static var names: [String] { ["sync", "async", "multiprocess"] }
}

/// `.sync` (the default) or `.async` (inline): the modes of a blocking handler that has no
/// multiprocess mode (`SyncBatchMapper`).
public enum SyncOrAsync: OffersSyncMode, OffersAsyncMode {
  public static var names: [String] { ["sync", "async"] }
}
