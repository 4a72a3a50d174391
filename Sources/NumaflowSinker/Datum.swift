import NumaflowProtos

extension Datum {
  /// The datum a sink request carries.
  package init(_ wire: Sink_V1_SinkRequest) {
    self.init(id: wire.request.id, wire.request)
  }

  /// The sink request numa would send for this datum, with `id` (for clients and tests).
  package func sinkRequest(id: String) -> Sink_V1_SinkRequest {
    var request = Sink_V1_SinkRequest()
    request.request = payload()
    request.request.id = id
    return request
  }
}
