import NumaflowCore
import NumaflowMapper
import NumaflowProtos

/// Where a ``MapStreamer`` writes the outputs of one request.
public struct MessageWriter: Sendable {
  let id: String
  let outbound: OutboundQueue<Map_V1_MapResponse>

  /// Sends `message` to numa; suspends while numa is not reading, so a handler that writes
  /// faster than numa reads is held back instead of piling outputs up in memory.
  /// - Throws: when the stream to numa has ended (numa then re-sends the request).
  public func write(_ message: Message) async throws {
    var response = Map_V1_MapResponse()
    response.id = id
    response.results = [message.result]
    try await outbound.send(response)
  }
}
