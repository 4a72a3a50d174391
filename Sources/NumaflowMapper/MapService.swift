import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `map.v1.Map` service to a map handler (unary map mode).
struct MapService: Map_V1_Map.SimpleServiceProtocol {
  let handler: RequestHandler<Map_V1_MapRequest, Map_V1_MapResponse>
  let lifecycle: ServerLifecycle

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    registerHandCodedMethods(with: &router)
  }

  func mapFn(
    request: RPCAsyncSequence<Map_V1_MapRequest, any Error>,
    response: RPCWriter<Map_V1_MapResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Map_V1_MapRequest, Map_V1_MapResponse>.map(rpc: "MapFn")
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveOneResponsePerRequest(
        requests: request, outbound: outbound, shape: shape, handler: handler, lifecycle: lifecycle)
    }
  }

  /// The user's mapper adapted to wire messages.
  static func handler(_ mapper: some Mapper) -> LocalHandler<Map_V1_MapRequest, Map_V1_MapResponse> {
    LocalHandler(name: "map handler", codec: .handCoded(requestID: \.id)) { request async throws in
      .answering(request, with: try await mapper.map(keys: request.request.keys, datum: Datum(request)))
    }.described(description)
  }

  static func handler(_ mapper: some SyncMapper) -> LocalHandler<Map_V1_MapRequest, Map_V1_MapResponse> {
    LocalHandler(
      name: "map handler", codec: .handCoded(requestID: \.id),
      sync: { .answering($0, with: try mapper.map(keys: $0.request.keys, datum: Datum($0))) }
    ).described(description)
  }

  /// One datum per call; the response's results are its outputs.
  static let description = CallDescription<Map_V1_MapRequest, Map_V1_MapResponse>.datum { $0.results.count }

  /// The results an encoded response carries, for metrics in multiprocess mode.
  static func resultCount(_ response: EncodedResponse) -> Int {
    response.occurrences(ofField: 1)  // repeated Result results = 1
  }

  /// Multiprocess mode: requests go to the workers as numa sent them, the workers' responses
  /// back as they encoded them.
  static let relay = Relay.of(
    stream: Map_V1_Map.Method.MapFn.descriptor, rpc: "MapFn",
    head: { .of(try MapRequestHead($0)) },
    handshakeReply: Map_V1_MapResponse.handshakeReply, outputs: resultCount,
    isReady: Map_V1_Map.Method.IsReady.descriptor, answering: Map_V1_ReadyResponse.self)
}

extension StreamShape<Map_V1_MapRequest, Map_V1_MapResponse> {
  /// A `MapFn` stream: a handshake, then requests by id (and, on a batch map stream, EOTs).
  package static func map(rpc: String) -> Self {
    StreamShape(rpc: rpc, classify: { .of($0) }, handshakeResponse: .handshakeReply, cost: \.payloadBytes)
  }
}

/// What a `MapFn` stream reads of a request to know what it is: the wire message, or in
/// multiprocess mode its head (``MapRequestHead``).
package protocol MapRequestFields {
  var id: String { get }
  var hasRequest: Bool { get }
  var hasHandshake: Bool { get }
  var handshake: Map_V1_Handshake { get }
  var hasStatus: Bool { get }
  var status: Map_V1_TransmissionStatus { get }
}

extension Map_V1_MapRequest: MapRequestFields {}

extension StreamShape.Kind {
  /// What a `MapFn` request is.
  package static func of(_ request: some MapRequestFields) -> Self {
    if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
    if request.hasStatus, request.status.eot { return .endOfBatch }
    guard request.hasRequest else { return .invalid(id: request.id, problem: "it carries no request payload") }
    return .request(id: request.id)
  }
}

extension Map_V1_MapResponse {
  /// The answer to `request`: its id and the results of `messages`.
  package static func answering(_ request: Map_V1_MapRequest, with messages: [Message]) -> Self {
    var response = Self()
    response.id = request.id
    response.results = messages.map(\.result)
    return response
  }

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
  /// Registers `MapFn` and `IsReady` as the generated code does, except that `MapFn`'s
  /// messages are read and written with the hand codecs (`MapWireCoding.swift`). Every map
  /// service (unary, stream, batch) registers this way.
  package func registerHandCodedMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandCoded(Map_V1_Map.Method.MapFn.descriptor) { request, context in
      try await mapFn(request: request, context: context)
    }
    router.registerIsReady(Map_V1_Map.Method.IsReady.descriptor, answering: Map_V1_ReadyResponse.self)
  }

  /// Every map service (unary, stream, batch) answers numa's health checks the same way:
  /// ready, at once.
  package func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Map_V1_ReadyResponse {
    .ready
  }
}

extension Map_V1_ReadyResponse: ReadyResponse {}
