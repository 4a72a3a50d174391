import GRPCCore
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `map.v1.Map` service to a map handler (unary map mode).
struct MapService: Map_V1_Map.SimpleServiceProtocol {
  let handler: RequestHandler<Map_V1_MapRequest, Map_V1_MapResponse>
  let lifecycle: ServerLifecycle

  func mapFn(
    request: RPCAsyncSequence<Map_V1_MapRequest, any Error>,
    response: RPCWriter<Map_V1_MapResponse>,
    context: ServerContext
  ) async throws {
    try await serveOneResponsePerRequest(
      requests: request,
      responses: response,
      shape: Self.shape,
      handler: handler,
      lifecycle: lifecycle
    )
  }

  static let shape = StreamShape<Map_V1_MapRequest, Map_V1_MapResponse>(
    rpc: "MapFn",
    classify: { request in
      if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
      guard request.hasRequest else {
        return .invalid(id: request.id, problem: "it carries no request payload")
      }
      return .request(id: request.id)
    },
    handshakeResponse: .handshakeReply,
    cost: \.payloadBytes
  )

  /// The user's mapper adapted to wire messages.
  static func localHandler(_ mapper: some Mapper) -> LocalHandler<Map_V1_MapRequest, Map_V1_MapResponse> {
    .async { request in
      response(to: request, messages: try await mapper.map(keys: request.request.keys, datum: Datum(request)))
    }
  }

  static func localHandler(_ mapper: some SyncMapper) -> LocalHandler<Map_V1_MapRequest, Map_V1_MapResponse> {
    .sync { request in
      response(to: request, messages: try mapper.map(keys: request.request.keys, datum: Datum(request)))
    }
  }

  private static func response(to request: Map_V1_MapRequest, messages: [Message]) -> Map_V1_MapResponse {
    var response = Map_V1_MapResponse()
    response.id = request.id
    response.results = messages.map(\.result)
    return response
  }
}

extension Map_V1_MapResponse {
  /// The server's answer to numa's handshake, on every map stream.
  package static let handshakeReply: Self = {
    var response = Self()
    response.handshake.sot = true
    return response
  }()

  /// The bytes of the values this response carries.
  package var payloadBytes: Int { results.reduce(0) { $0 + $1.value.count } }
}

extension Map_V1_Map.SimpleServiceProtocol {
  /// Every map service (unary, stream, batch) answers numa's health checks the same way:
  /// ready, at once.
  package func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Map_V1_ReadyResponse {
    var ready = Map_V1_ReadyResponse()
    ready.ready = true
    return ready
  }
}
