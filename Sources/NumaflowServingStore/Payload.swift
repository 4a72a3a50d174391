import NumaflowCore
import NumaflowProtos

/// One result stored for a serving request: which vertex produced it, and its bytes.
public struct Payload: Sendable, Hashable {
  /// The name of the vertex (the sink) that stored it.
  public var origin: String
  /// The result, as the ServingPipeline's caller receives it.
  public var value: Data

  public init(origin: String, value: Data) {
    self.origin = origin
    self.value = value
  }

  package init(_ proto: Serving_V1_Payload) {
    self.init(origin: proto.origin, value: proto.value)
  }

  package var proto: Serving_V1_Payload {
    var payload = Serving_V1_Payload()
    payload.origin = origin
    payload.value = value
    return payload
  }
}
