import NumaflowCore
import NumaflowProtos
import NumaflowReducer

/// Where a session reducer writes a session's results (see the core's `OutputWriter`). What a
/// session writes after numa merged it into another is dropped: its state goes on through
/// `accumulator()`.
public typealias MessageWriter = OutputWriter<Message>

extension OutputWriter<Message> {
  /// Writes each result under `session`'s current window, unless the session was merged.
  static func results(
    of session: Session, through outbound: OutboundQueue<Sessionreduce_V1_SessionReduceResponse>
  ) -> Self {
    Self { message in
      guard let window = session.windowUnlessMerged else { return }
      var response = Sessionreduce_V1_SessionReduceResponse()
      response.result = message.sessionResult
      response.keyedWindow = window
      try await outbound.send(response)
    }
  }
}
