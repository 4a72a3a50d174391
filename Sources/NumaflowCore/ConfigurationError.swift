/// A server could not be configured or started: the message says what to change.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
  public let message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
