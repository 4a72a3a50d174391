import NumaflowCore
import NumaflowMapper
import NumaflowProtos

/// Where a map streamer writes a request's outputs, one at a time, while it runs (see the
/// core's `OutputWriter`).
public typealias MessageWriter = OutputWriter<Message>

extension OutputWriter<Message> {
  /// Writes each output as its own response to request `id`, ahead of the request's EOT.
  static func responding(to id: String, through outbound: OutboundQueue<Map_V1_MapResponse>) -> Self {
    Self { message in
      var response = Map_V1_MapResponse()
      response.id = id
      response.results = [message.result]
      try await outbound.send(response)
    }
  }
}
