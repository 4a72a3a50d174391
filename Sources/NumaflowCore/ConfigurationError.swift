/// A server could not be configured or started. ``code`` says which problem it is, for a
/// program; ``message`` says what to change, for a person.
///
/// ```swift
/// do {
///   try await MapServer(mode: .commandLine(), mapper: Uppercase()).runService()
/// } catch let error as ConfigurationError where error.code == .unknownMode {
///   print(error.message)  // "unknown server mode 'fast': use one of async, multiprocess"
/// }
/// ```
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
  /// What kind of problem it is. A struct with static members rather than an enum, so that
  /// codes can be added without breaking anyone's `switch`.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, such as `invalid-value`.
    public let name: String

    private init(_ name: String) { self.name = name }

    public var description: String { name }

    /// A ``ServerConfiguration`` value is out of range.
    public static let invalidValue = Code("invalid-value")
    /// `--mode` named a mode this server does not offer, or had no value.
    public static let unknownMode = Code("unknown-mode")
    /// The socket directory, socket or server-info file could not be prepared.
    public static let socketDirectory = Code("socket-directory")
    /// A UDF failure could not be written for the Numaflow UI.
    public static let runtimeDirectory = Code("runtime-directory")
    /// A worker process could not be started (multiprocess mode).
    public static let workerSpawn = Code("worker-spawn")
    /// The call needs a real server process (multiprocess mode in an in-process test client).
    public static let needsProcess = Code("needs-process")
  }

  /// Which problem it is.
  public let code: Code
  /// What happened and what to change.
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
