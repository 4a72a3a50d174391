import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `sourcetransformer.v1.SourceTransform` service to a transformer.
struct SourceTransformService: Sourcetransformer_V1_SourceTransform.SimpleServiceProtocol {
  typealias Request = Sourcetransformer_V1_SourceTransformRequest
  typealias Response = Sourcetransformer_V1_SourceTransformResponse

  let handler: RequestHandler<Request, Response>
  let lifecycle: ServerLifecycle

  /// Registers the methods as the generated code does, except that `SourceTransformFn`'s
  /// messages are read and written with the hand codecs (`SourceTransformWireCoding.swift`).
  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandCoded(Sourcetransformer_V1_SourceTransform.Method.SourceTransformFn.descriptor) {
      request, context in try await sourceTransformFn(request: request, context: context)
    }
    router.registerIsReady(
      Sourcetransformer_V1_SourceTransform.Method.IsReady.descriptor, answering: Sourcetransformer_V1_ReadyResponse.self
    )
  }

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
    rpc: "SourceTransformFn", classify: { .of($0) }, handshakeResponse: handshakeReply,
    cost: { $0.results.reduce(0) { $0 + $1.value.count } }
  )

  static let handshakeReply: Response = {
    var response = Response()
    response.handshake.sot = true
    return response
  }()

  /// The results an encoded response carries, for metrics in multiprocess mode.
  static func resultCount(_ response: EncodedResponse) -> Int {
    response.occurrences(ofField: 1)  // repeated Result results = 1
  }

  /// Multiprocess mode: requests go to the workers as numa sent them, the workers' responses
  /// back as they encoded them.
  static let relay = Relay.of(
    stream: Sourcetransformer_V1_SourceTransform.Method.SourceTransformFn.descriptor, rpc: "SourceTransformFn",
    head: { .of(try SourceTransformRequestHead($0)) },
    handshakeReply: handshakeReply, outputs: resultCount,
    isReady: Sourcetransformer_V1_SourceTransform.Method.IsReady.descriptor,
    answering: Sourcetransformer_V1_ReadyResponse.self)

  /// The user's transformer adapted to wire messages.
  static func handler(_ transformer: some SourceTransformer) -> LocalHandler<Request, Response> {
    LocalHandler(name: "source transformer", codec: .handCoded(requestID: \.request.id)) { request async throws in
      let datum = Datum(request)
      return response(to: request, messages: try await transformer.transform(keys: datum.keys, datum: datum))
    }.described(description)
  }

  static func handler(_ transformer: some SyncSourceTransformer) -> LocalHandler<Request, Response> {
    LocalHandler(
      name: "source transformer", codec: .handCoded(requestID: \.request.id),
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

/// What a `SourceTransformFn` stream reads of a request to know what it is: the wire message,
/// or in multiprocess mode its head (``SourceTransformRequestHead``).
protocol SourceTransformRequestFields {
  associatedtype Datum: SourceTransformDatumID
  var request: Datum { get }
  var hasRequest: Bool { get }
  var hasHandshake: Bool { get }
  var handshake: Sourcetransformer_V1_Handshake { get }
}

/// The part of a transformer's datum that the stream reads: its id.
protocol SourceTransformDatumID {
  var id: String { get }
}

extension Sourcetransformer_V1_SourceTransformRequest: SourceTransformRequestFields {}
extension Sourcetransformer_V1_SourceTransformRequest.Request: SourceTransformDatumID {}

extension StreamShape.Kind {
  /// What a `SourceTransformFn` request is.
  static func of(_ request: some SourceTransformRequestFields) -> Self {
    if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
    guard request.hasRequest else { return .invalid(id: "", problem: "it carries no request payload") }
    return .request(id: request.request.id)
  }
}
