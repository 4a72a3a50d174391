import GRPCCore
import NumaflowMapper
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `map.v1.Map` service to a batch mapper (batch map mode).
struct BatchMapService: Map_V1_Map.SimpleServiceProtocol {
  typealias Batch = [Map_V1_MapRequest]

  let handler: RequestHandler<Batch, [Map_V1_MapResponse]>
  let lifecycle: ServerLifecycle

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    registerHandCodedMethods(with: &router)
  }

  func mapFn(
    request: RPCAsyncSequence<Map_V1_MapRequest, any Error>,
    response: RPCWriter<Map_V1_MapResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Map_V1_MapRequest, Map_V1_MapResponse>.map(rpc: "MapFn (batch map)")
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveBatches(
        requests: request, outbound: outbound, shape: shape, batch: Self.rules, handler: handler, lifecycle: lifecycle)
    }
  }

  static let rules = BatchRules<Map_V1_MapResponse, Map_V1_MapResponse>(
    endOfBatchResponse: {
      var response = Map_V1_MapResponse()
      response.status.eot = true
      return response
    }(),
    responseID: \.id
  )

  static func handler(_ mapper: some BatchMapper) -> LocalHandler<Batch, [Map_V1_MapResponse]> {
    LocalHandler(name: "batch map handler", async: { responses(try await mapper.mapBatch($0.map(Datum.init))) })
      .described(description)
  }

  static func handler(_ mapper: some SyncBatchMapper) -> LocalHandler<Batch, [Map_V1_MapResponse]> {
    LocalHandler(name: "batch map handler", sync: { responses(try mapper.mapBatch($0.map(Datum.init))) })
      .described(description)
  }

  /// A batch per call; every response's results are outputs.
  static let description = CallDescription<Batch, [Map_V1_MapResponse]>.batch { responses in
    responses.reduce(0) { $0 + $1.results.count }
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
