import NumaflowCore
import NumaflowProtos
import Synchronization

/// Where a ``Sourcer`` writes the messages of one read (see the core's `OutputWriter`). Each
/// message leaves for numa as it is written; `write` suspends while numa is not reading.
///
/// `write` throws ``SourceReadError`` when the read has written its `ReadRequest.count`
/// already (nothing is sent) or when the message's offset is empty; `CancellationError` once
/// the read's timeout is over; an error when the stream to numa has ended. A message whose
/// `write` threw was not sent: keep it for the next read.
public typealias MessageWriter = OutputWriter<Message>

extension OutputWriter<Message> {
  /// A writer for one read of up to `count` messages.
  static func reading(
    count: Int, through outbound: OutboundQueue<ReadReply>, tally: DatumTally = DatumTally()
  ) -> Self {
    let budget = ReadBudget(count)
    return Self { message in
      guard !message.offset.value.isEmpty else { throw SourceReadError(.emptyOffset, offset: message.offset) }
      try Task.checkCancellation()
      let allowed = budget.remaining.withLock { remaining -> Bool in
        guard remaining > 0 else { return false }
        remaining -= 1
        return true
      }
      guard allowed else { throw SourceReadError(.countExceeded(count), offset: message.offset) }
      try await outbound.send(.message(message))
      tally.add()
    }
  }
}

/// How many more messages one read may write.
private final class ReadBudget: Sendable {
  let remaining: Mutex<Int>
  init(_ count: Int) { remaining = Mutex(count) }
}
