import NumaflowCore
import NumaflowProtos

extension Datum {
  /// The map request numa would send for this datum, with `id` (for clients and tests).
  package func mapRequest(id: String) -> Map_V1_MapRequest { request(id: id) }
}

extension Map_V1_MapRequest: WireDatumRequest {
  package var datumID: String {
    get { id }
    set { id = newValue }
  }
}

extension Map_V1_MapRequest.Request: WirePayload {}
extension Map_V1_MapResponse.Result: NackableWireResult {}
