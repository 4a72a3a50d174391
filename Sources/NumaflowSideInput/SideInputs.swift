import NumaflowCore
import Synchronization

/// Reads side inputs in a UDF of any kind: the values numa keeps under
/// `/var/numaflow/side-inputs/<name>` for a vertex that lists them in its `sideInputs`.
///
/// Watch one to get every new value as it comes:
///
/// ```swift
/// for try await config in SideInputs.watch("config", as: Config.self) {   // JSON
///   apply(config)
/// }
/// ```
///
/// or read the value of the moment inside a handler:
///
/// ```swift
/// let version = try SideInputs.latest("model-version", as: String.self)
/// ```
///
/// Numa writes each new value to a new file and swaps a symlink to it, deleting the old file.
/// These readers follow the symlink, never the file's inode, so they always read a whole,
/// current value. ``watch(_:codec:whenMissing:)-swift.method`` waits on inotify for the directory where
/// Linux has it, and checks every ``pollInterval`` otherwise (macOS, for local runs).
public struct SideInputs: Sendable {
  /// Where numa mounts side inputs in a vertex's containers: `/var/numaflow/side-inputs`, or
  /// `NUMAFLOW_SWIFT_SIDE_INPUT_DIR` when set (for local runs: `numaflow-dev sideinput set`
  /// writes values there).
  public static let defaultDirectory: String = {
    let variable = ProcessInfo.processInfo.environment[directoryVariable] ?? ""
    return variable.isEmpty ? "/var/numaflow/side-inputs" : variable
  }()

  /// The variable that relocates ``defaultDirectory``.
  public static let directoryVariable = "NUMAFLOW_SWIFT_SIDE_INPUT_DIR"

  /// The directory these side inputs are read from.
  public let directory: String
  /// How often a watch looks for events (inotify) or values (elsewhere).
  public let pollInterval: Duration
  /// Waits a poll interval on the clock given to ``init(directory:pollInterval:clock:)``.
  let waitForNextPoll: @Sendable (Duration) async throws -> Void

  /// Side inputs in `directory`; a test or a local run passes a temporary one. A watch waits
  /// `pollInterval` between two looks, as `clock` measures it (a test passes a clock it drives,
  /// such as NumaflowTesting's `ManualClock`, to know when a watch waits).
  public init(
    directory: String = SideInputs.defaultDirectory, pollInterval: Duration = .milliseconds(50),
    clock: some Clock<Duration> & Sendable = ContinuousClock()
  ) {
    self.directory = directory
    self.pollInterval = pollInterval
    self.waitForNextPoll = { try await clock.sleep(for: $0) }
  }

  /// What a reader does when the directory or the value is not there.
  public enum WhenMissing: Sendable, Hashable {
    /// Wait until it appears.
    case wait
    /// Throw ``SideInputError`` with code ``SideInputError/Code/missing``.
    case fail
  }

  // MARK: Watching

  /// `name`'s values, decoded by `codec`: the current one first, then every change.
  public func watch<Value>(
    _ name: String, codec: SideInputCodec<Value>, whenMissing: WhenMissing = .wait
  ) -> SideInputWatch<Value> {
    SideInputWatch(
      name: name, directory: directory, codec: codec, whenMissing: whenMissing, interval: pollInterval,
      waitForNextPoll: waitForNextPoll)
  }

  /// `name`'s values as raw bytes.
  public func watch(_ name: String, as type: Data.Type = Data.self, whenMissing: WhenMissing = .wait)
    -> SideInputWatch<Data>
  {
    watch(name, codec: .data, whenMissing: whenMissing)
  }

  /// `name`'s values as UTF-8 text.
  public func watch(_ name: String, as type: String.Type, whenMissing: WhenMissing = .wait) -> SideInputWatch<String> {
    watch(name, codec: .utf8, whenMissing: whenMissing)
  }

  /// `name`'s values as JSON.
  public func watch<Value: Decodable & Sendable>(_ name: String, as type: Value.Type, whenMissing: WhenMissing = .wait)
    -> SideInputWatch<Value>
  {
    watch(name, codec: .json(type), whenMissing: whenMissing)
  }

  // MARK: The value of the moment

  /// `name`'s value now, decoded by `codec`. Reading the same file twice is avoided: while
  /// numa's link points at the same file, the bytes read before are used.
  /// - Throws: ``SideInputError``: missing, unreadable or undecodable.
  public func latest<Value>(_ name: String, codec: SideInputCodec<Value>) throws -> Value {
    let bytes = try Self.cache.value(name, in: directory)
    do {
      return try codec.decode(bytes)
    } catch {
      throw SideInputError(.undecodable, name: name, "the codec refused the value: \(error)")
    }
  }

  /// `name`'s value now, as raw bytes.
  public func latest(_ name: String, as type: Data.Type = Data.self) throws -> Data {
    try latest(name, codec: .data)
  }

  /// `name`'s value now, as UTF-8 text.
  public func latest(_ name: String, as type: String.Type) throws -> String {
    try latest(name, codec: .utf8)
  }

  /// `name`'s value now, as JSON.
  public func latest<Value: Decodable & Sendable>(_ name: String, as type: Value.Type) throws -> Value {
    try latest(name, codec: .json(type))
  }

  private static let cache = LatestCache()

  // MARK: In the default directory

  /// ``watch(_:codec:whenMissing:)-swift.method`` in ``defaultDirectory``.
  public static func watch<Value>(_ name: String, codec: SideInputCodec<Value>, whenMissing: WhenMissing = .wait)
    -> SideInputWatch<Value>
  {
    SideInputs().watch(name, codec: codec, whenMissing: whenMissing)
  }

  /// `name`'s values in ``defaultDirectory`` as raw bytes.
  public static func watch(_ name: String, as type: Data.Type = Data.self, whenMissing: WhenMissing = .wait)
    -> SideInputWatch<Data>
  {
    SideInputs().watch(name, codec: .data, whenMissing: whenMissing)
  }

  /// `name`'s values in ``defaultDirectory`` as UTF-8 text.
  public static func watch(_ name: String, as type: String.Type, whenMissing: WhenMissing = .wait)
    -> SideInputWatch<String>
  {
    SideInputs().watch(name, codec: .utf8, whenMissing: whenMissing)
  }

  /// `name`'s values in ``defaultDirectory`` as JSON.
  public static func watch<Value: Decodable & Sendable>(
    _ name: String, as type: Value.Type, whenMissing: WhenMissing = .wait
  )
    -> SideInputWatch<Value>
  {
    SideInputs().watch(name, codec: .json(type), whenMissing: whenMissing)
  }

  /// `name`'s value now in ``defaultDirectory``, as raw bytes.
  public static func latest(_ name: String, as type: Data.Type = Data.self) throws -> Data {
    try SideInputs().latest(name, codec: .data)
  }

  /// `name`'s value now in ``defaultDirectory``, as UTF-8 text.
  public static func latest(_ name: String, as type: String.Type) throws -> String {
    try SideInputs().latest(name, codec: .utf8)
  }

  /// `name`'s value now in ``defaultDirectory``, as JSON.
  public static func latest<Value: Decodable & Sendable>(_ name: String, as type: Value.Type) throws -> Value {
    try SideInputs().latest(name, codec: .json(type))
  }
}

/// The last bytes read per side-input path, with the file numa's link pointed at.
private final class LatestCache: Sendable {
  private let entries = Mutex<[String: (target: String, bytes: Data)]>([:])

  func value(_ name: String, in directory: String) throws -> Data {
    let path = joinPath(directory, name)
    let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    if let target, let hit = entries.withLock({ $0[path] }), hit.target == target { return hit.bytes }
    switch try SideInputFile.read(name, in: directory) {
    case .value(let bytes):
      // A plain file (no link, as in a hand-made local directory) is read every time.
      if let target { entries.withLock { $0[path] = (target, bytes) } }
      return bytes
    case .missing(let what):
      throw SideInputError(.missing, name: name, what)
    }
  }
}
