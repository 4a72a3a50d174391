import NumaflowCore
import NumaflowProtos

extension Datum {
  /// The source transform request numa would send for this datum, with `id` (for clients and
  /// tests).
  package func transformRequest(id: String) -> Sourcetransformer_V1_SourceTransformRequest { request(id: id) }
}

extension Sourcetransformer_V1_SourceTransformRequest: WireDatumRequest {}
extension Sourcetransformer_V1_SourceTransformRequest.Request: WireIdentifiedPayload {}
extension Sourcetransformer_V1_SourceTransformResponse.Result: NackableWireResult {}
