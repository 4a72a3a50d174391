import GRPCCore
import NumaflowMapper
import NumaflowProtos
import SwiftProtobuf

/// One request together with the stream its outputs go to.
package struct MapStreamCall: Sendable {
  let request: Map_V1_MapRequest
  let output: MessageWriter
}

/// Adapts the generated `map.v1.Map` service to a map streamer (stream map mode): the core's
/// one-response-per-request loop, where the one response is the request's EOT and the outputs
/// go out through the writer before it.
struct MapStreamService: Map_V1_Map.SimpleServiceProtocol {
  let handler: RequestHandler<MapStreamCall, Map_V1_MapResponse>
  let lifecycle: ServerLifecycle

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    registerHandCodedMethods(with: &router)
  }

  func mapFn(
    request: RPCAsyncSequence<Map_V1_MapRequest, any Error>,
    response: RPCWriter<Map_V1_MapResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Map_V1_MapRequest, Map_V1_MapResponse>.map(rpc: "MapFn (stream map)")
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      let perRequest = RequestHandler<Map_V1_MapRequest, Map_V1_MapResponse>(name: handler.name) { [handler] in
        let output = MessageWriter.responding(to: $0.id, through: outbound).counting(in: lifecycle.telemetry.metrics)
        return try await handler.call(MapStreamCall(request: $0, output: output))
      }
      try await serveOneResponsePerRequest(
        requests: request, outbound: outbound, shape: shape, handler: perRequest, lifecycle: lifecycle)
    }
  }

  static func handler(_ streamer: some MapStreamer) -> LocalHandler<MapStreamCall, Map_V1_MapResponse> {
    LocalHandler(name: "map stream handler") { call async throws in
      try await streamer.mapStream(keys: call.request.request.keys, datum: Datum(call.request), output: call.output)
      var endOfOutputs = Map_V1_MapResponse()
      endOfOutputs.id = call.request.id
      endOfOutputs.status.eot = true
      return endOfOutputs
    }.described(description)
  }

  /// One datum per call; its outputs are counted as they are written (`counting(in:)`).
  static let description = CallDescription<MapStreamCall, Map_V1_MapResponse>(
    datums: { [CallDatum($0.request)] }, count: { _ in 1 }, outputs: { _ in 0 })
}
