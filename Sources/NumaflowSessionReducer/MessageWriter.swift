import NumaflowCore
import NumaflowProtos
import NumaflowReducer

/// Where a ``SessionReducer`` writes one session's results. Each goes out with the session's
/// window as it is when written; nothing goes out from a session being merged into another.
public struct MessageWriter: Sendable {
  let session: Session
  let outbound: OutboundQueue<Sessionreduce_V1_SessionReduceResponse>

  /// Sends `message` to numa; suspends while numa is not reading.
  /// - Throws: when the stream to numa has ended.
  public func write(_ message: Message) async throws {
    guard let window = session.windowUnlessMerged else { return }
    var response = Sessionreduce_V1_SessionReduceResponse()
    response.result = message.sessionResult
    response.keyedWindow = window
    try await outbound.send(response)
  }
}
