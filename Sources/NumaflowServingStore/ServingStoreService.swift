import GRPCCore
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `serving.v1.ServingStore` service to a store.
struct ServingStoreService: Serving_V1_ServingStore.SimpleServiceProtocol {
  let store: any ServingStore
  let lifecycle: ServerLifecycle

  func put(request: Serving_V1_PutRequest, context: ServerContext) async throws -> Serving_V1_PutResponse {
    try await answerUnary(rpc: "Put for '\(request.id)'", handlerName: "serving store put", lifecycle: lifecycle) {
      let payloads = DatumTally(request.payloads.count)
      try await lifecycle.telemetry.task(subject: "a put for '\(request.id)'", tally: payloads) {
        try await store.put(id: request.id, payloads: request.payloads.map(Payload.init))
      }
      var response = Serving_V1_PutResponse()
      response.success = true
      return response
    }
  }

  func get(request: Serving_V1_GetRequest, context: ServerContext) async throws -> Serving_V1_GetResponse {
    try await answerUnary(rpc: "Get for '\(request.id)'", handlerName: "serving store get", lifecycle: lifecycle) {
      var response = Serving_V1_GetResponse()
      response.id = request.id
      let payloads = DatumTally()
      try await lifecycle.telemetry.task(subject: "a get for '\(request.id)'", tally: payloads, counting: .outputs) {
        response.payloads = try await store.get(id: request.id).map(\.proto)
        payloads.add(response.payloads.count)
      }
      return response
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Serving_V1_ReadyResponse {
    .ready
  }
}

extension Serving_V1_ReadyResponse: ReadyResponse {}
