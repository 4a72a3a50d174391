import GRPCCore
import NumaflowMapper
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `map.v1.Map` service to a batch mapper (batch map mode).
struct BatchMapService: Map_V1_Map.SimpleServiceProtocol {
  let handler: RequestHandler<[Map_V1_MapRequest], [Map_V1_MapResponse]>
  let lifecycle: ServerLifecycle

  func mapFn(
    request: RPCAsyncSequence<Map_V1_MapRequest, any Error>,
    response: RPCWriter<Map_V1_MapResponse>,
    context: ServerContext
  ) async throws {
    try await serveBatches(
      requests: request, responses: response, shape: Self.shape, handler: handler, lifecycle: lifecycle)
  }

  static let shape = BatchShape<Map_V1_MapRequest, Map_V1_MapResponse>(
    rpc: "MapFn (batch map)",
    classify: { request in
      if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
      if request.hasStatus, request.status.eot { return .endOfBatch }
      guard request.hasRequest else { return .invalid(id: request.id, problem: "it carries no request payload") }
      return .request(id: request.id)
    },
    handshakeResponse: .handshakeReply,
    endOfBatchResponse: {
      var response = Map_V1_MapResponse()
      response.status.eot = true
      return response
    }(),
    responseID: \.id
  )

  static func localHandler(_ mapper: some BatchMapper) -> LocalHandler<[Map_V1_MapRequest], [Map_V1_MapResponse]> {
    .async { requests in responses(try await mapper.mapBatch(requests.map(Datum.init))) }
  }

  static func localHandler(_ mapper: some SyncBatchMapper) -> LocalHandler<[Map_V1_MapRequest], [Map_V1_MapResponse]> {
    .sync { requests in responses(try mapper.mapBatch(requests.map(Datum.init))) }
  }

  private static func responses(_ answers: [BatchResponse]) -> [Map_V1_MapResponse] {
    answers.map { answer in
      var response = Map_V1_MapResponse()
      response.id = answer.id
      response.results = answer.messages.map(\.result)
      return response
    }
  }
}
