/// A message a read's writer refused: it was not sent, so keep it for the next read.
public struct SourceReadError: Error, Sendable, CustomStringConvertible {
  /// Why the writer refused it.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public var description: String { name }

    /// The read had written the `ReadRequest.count` messages numa asked for.
    public static let countExceeded = Code(name: "count-exceeded")
    /// The message's offset is empty: numa could not ack it.
    public static let emptyOffset = Code(name: "empty-offset")
  }

  public let code: Code
  /// The offset of the message that was not sent.
  public let offset: Offset
  public let description: String

  init(_ reason: Reason, offset: Offset) {
    self.offset = offset
    switch reason {
    case .countExceeded(let count):
      code = .countExceeded
      description =
        "the read wrote more than the \(count) messages numa asked for; the message at offset \(offset) was not "
        + "sent: write at most ReadRequest.count messages per read"
    case .emptyOffset:
      code = .emptyOffset
      description = "a message's offset is empty (\(offset)); numa needs at least one byte to ack it by"
    }
  }

  enum Reason {
    case countExceeded(Int)
    case emptyOffset
  }
}
