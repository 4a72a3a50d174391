import NumaflowCore
import NumaflowProtos

extension Datum {
  /// The datum a source transform request carries.
  package init(_ wire: Sourcetransformer_V1_SourceTransformRequest) {
    self.init(id: wire.request.id, wire.request)
  }

  /// The source transform request numa would send for this datum, with `id` (for clients and
  /// tests).
  package func transformRequest(id: String) -> Sourcetransformer_V1_SourceTransformRequest {
    var request = Sourcetransformer_V1_SourceTransformRequest()
    request.request = payload()
    request.request.id = id
    return request
  }
}

extension Sourcetransformer_V1_SourceTransformRequest.Request: WirePayload {}
extension Sourcetransformer_V1_SourceTransformResponse.Result: NackableWireResult {}
