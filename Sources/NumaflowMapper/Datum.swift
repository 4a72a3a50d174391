// A user imports one module per vertex kind; the shared types (Datum, MessageMetadata,
// ServerConfiguration, ...) come with it.
@_exported import NumaflowCore
import NumaflowProtos

extension Datum {
  /// The datum a map request carries.
  package init(_ wire: Map_V1_MapRequest) {
    self.init(id: wire.id, wire.request)
  }

  /// The map request numa would send for this datum, with `id` (for clients and tests).
  package func mapRequest(id: String) -> Map_V1_MapRequest {
    var request = Map_V1_MapRequest()
    request.id = id
    request.request = payload()
    return request
  }
}

extension Map_V1_MapRequest.Request: WirePayload {}
extension Map_V1_MapResponse.Result: NackableWireResult {}
