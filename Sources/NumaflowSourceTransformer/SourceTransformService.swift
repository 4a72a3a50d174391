import GRPCCore
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `sourcetransformer.v1.SourceTransform` service to a transformer.
struct SourceTransformService: Sourcetransformer_V1_SourceTransform.SimpleServiceProtocol {
  typealias Request = Sourcetransformer_V1_SourceTransformRequest
  typealias Response = Sourcetransformer_V1_SourceTransformResponse

  let handler: RequestHandler<Request, Response>
  let lifecycle: ServerLifecycle

  func sourceTransformFn(
    request: RPCAsyncSequence<Request, any Error>, response: RPCWriter<Response>, context: ServerContext
  ) async throws {
    try await OutboundQueue.withQueue(writingTo: response, shape: Self.shape, lifecycle: lifecycle) { outbound in
      try await serveOneResponsePerRequest(
        requests: request, outbound: outbound, shape: Self.shape, handler: handler, lifecycle: lifecycle)
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws
    -> Sourcetransformer_V1_ReadyResponse
  {
    .ready
  }

  static let shape = StreamShape<Request, Response>(
    rpc: "SourceTransformFn",
    classify: { request in
      if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
      guard request.hasRequest else { return .invalid(id: "", problem: "it carries no request payload") }
      return .request(id: request.request.id)
    },
    handshakeResponse: {
      var response = Response()
      response.handshake.sot = true
      return response
    }(),
    cost: { $0.results.reduce(0) { $0 + $1.value.count } }
  )

  /// The user's transformer adapted to wire messages.
  static func handler(_ transformer: some SourceTransformer) -> LocalHandler<Request, Response> {
    LocalHandler(name: "source transformer", codec: .protobuf(requestID: \.request.id)) { request async throws in
      let datum = Datum(request)
      return response(to: request, messages: try await transformer.transform(keys: datum.keys, datum: datum))
    }.described(description)
  }

  static func handler(_ transformer: some SyncSourceTransformer) -> LocalHandler<Request, Response> {
    LocalHandler(
      name: "source transformer", codec: .protobuf(requestID: \.request.id),
      sync: { request in
        let datum = Datum(request)
        return response(to: request, messages: try transformer.transform(keys: datum.keys, datum: datum))
      }
    ).described(description)
  }

  /// One datum per call; the response's results are its outputs.
  static let description = CallDescription<Request, Response>.datum { $0.results.count }

  private static func response(to request: Request, messages: [Message]) -> Response {
    var response = Response()
    response.id = request.request.id
    response.results = messages.map(\.result)
    return response
  }
}

extension Sourcetransformer_V1_ReadyResponse: ReadyResponse {}
