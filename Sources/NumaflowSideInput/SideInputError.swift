/// A side input that could not be read: missing, unreadable, or not decodable by its codec.
///
/// ```swift
/// do { _ = try SideInputs.latest("model") } catch let error as SideInputError where error.code == .missing { … }
/// ```
public struct SideInputError: Error, Sendable, CustomStringConvertible {
  /// What went wrong. A struct with static members, so that codes can be added without
  /// breaking anyone's `switch`.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }

    /// The side-input directory or the value's file does not exist (yet).
    public static let missing = Code("missing")
    /// The file exists but cannot be read.
    public static let unreadable = Code("unreadable")
    /// The codec refused the value.
    public static let undecodable = Code("undecodable")
  }

  public let code: Code
  /// The side input's name.
  public let name: String
  /// What happened, and what to check.
  public let message: String

  init(_ code: Code, name: String, _ message: String) {
    self.code = code
    self.name = name
    self.message = message
  }

  public var description: String { "side input '\(name)': \(message)" }
}
