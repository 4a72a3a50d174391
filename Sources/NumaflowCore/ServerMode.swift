/// Where a server runs its handler. All modes serve the same single Unix-socket endpoint.
///
/// | mode | handler | runs on | for |
/// |---|---|---|---|
/// | ``async`` | `async throws` | child tasks, at most `maxConcurrentRequests` at once | I/O-bound work |
/// | ``sync`` | plain `throws` | a pool of dedicated OS threads | blocking calls, CPU loops |
/// | ``multiprocess`` | either | worker processes (the same binary, re-executed) | isolating native code and traps |
public struct ServerMode: Sendable, Hashable, CustomStringConvertible {
  /// The mode's name, as `--mode` spells it.
  public let name: String

  private init(_ name: String) { self.name = name }

  /// Handlers run as child tasks of the stream, bounded by `maxConcurrentRequests`.
  public static let async = ServerMode("async")
  /// Handlers run on a pool of `workerCount` dedicated OS threads.
  public static let sync = ServerMode("sync")
  /// Handlers run in `workerCount` worker processes behind the one endpoint.
  public static let multiprocess = ServerMode("multiprocess")

  /// Every mode, in the order the documentation lists them.
  public static let all: [ServerMode] = [.async, .sync, .multiprocess]

  /// The mode with this name, or `nil`.
  public init?(name: String) {
    guard let mode = Self.all.first(where: { $0.name == name }) else { return nil }
    self = mode
  }

  public var description: String { name }

  /// Reads `--mode NAME` (or `--mode=NAME`) from command-line arguments; `.async` when absent.
  ///
  /// A convenience for small binaries such as the examples:
  /// ```swift
  /// let mode = try ServerMode(commandLine: CommandLine.arguments)
  /// ```
  /// - Throws: ``ConfigurationError`` naming the accepted values when the value is unknown.
  public init(commandLine arguments: [String]) throws {
    var value: String?
    var index = arguments.startIndex
    while index < arguments.endIndex {
      let argument = arguments[index]
      if argument == "--mode" {
        let next = arguments.index(after: index)
        guard next < arguments.endIndex else {
          throw ConfigurationError("--mode needs a value: one of \(Self.all.map(\.name).joined(separator: ", "))")
        }
        value = arguments[next]
        index = arguments.index(after: next)
        continue
      }
      if argument.hasPrefix("--mode=") {
        value = String(argument.dropFirst("--mode=".count))
      }
      index = arguments.index(after: index)
    }
    guard let value else {
      self = .async
      return
    }
    guard let mode = ServerMode(name: value) else {
      throw ConfigurationError(
        "unknown server mode '\(value)': use one of \(Self.all.map(\.name).joined(separator: ", "))"
      )
    }
    self = mode
  }
}
