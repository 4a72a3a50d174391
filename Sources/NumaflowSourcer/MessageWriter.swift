import NumaflowCore
import NumaflowProtos
import Synchronization

/// Where a ``Sourcer`` writes the messages of one read. Each message leaves for numa as it is
/// written; `write` suspends while numa is not reading.
public struct MessageWriter: Sendable {
  private final class Budget: Sendable {
    let remaining: Mutex<Int>
    init(_ count: Int) { remaining = Mutex(count) }
  }

  private let outbound: OutboundQueue<Source_V1_ReadResponse>
  private let budget: Budget
  /// The most messages the read may write.
  public let count: Int

  init(count: Int, outbound: OutboundQueue<Source_V1_ReadResponse>) {
    self.count = count
    self.outbound = outbound
    self.budget = Budget(count)
  }

  /// How many more messages this read may write.
  public var remaining: Int { budget.remaining.withLock { $0 } }

  /// Sends `message` to numa.
  /// - Throws: ``SourceReadError`` when the read has written its ``count`` already (nothing
  ///   is sent), or when the message's offset is empty; `CancellationError` once the read's
  ///   timeout is over; an error when the stream to numa has ended. A message whose `write`
  ///   threw was not sent.
  public func write(_ message: Message) async throws {
    guard !message.offset.value.isEmpty else { throw SourceReadError.emptyOffset(message.offset) }
    try Task.checkCancellation()
    let allowed = budget.remaining.withLock { remaining -> Bool in
      guard remaining > 0 else { return false }
      remaining -= 1
      return true
    }
    guard allowed else { throw SourceReadError.countExceeded(count: count, offset: message.offset) }
    try await outbound.send(message.response)
  }
}

/// A read broke numa's rules; the message it names was not sent.
public struct SourceReadError: Error, Sendable, CustomStringConvertible {
  public let description: String

  static func countExceeded(count: Int, offset: Offset) -> SourceReadError {
    SourceReadError(
      description: "the read wrote more than the \(count) messages numa asked for; the message at offset "
        + "\(offset) was not sent: stop writing when the writer's `remaining` is 0")
  }

  static func emptyOffset(_ offset: Offset) -> SourceReadError {
    SourceReadError(description: "a message's offset is empty (\(offset)); numa needs at least one byte to ack it by")
  }
}
