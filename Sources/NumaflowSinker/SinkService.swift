import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `sink.v1.Sink` service to a sink handler.
struct SinkService: Sink_V1_Sink.SimpleServiceProtocol {
  typealias Batch = [Sink_V1_SinkRequest]
  typealias Result = Sink_V1_SinkResponse.Result

  let handler: RequestHandler<Batch, [Result]>
  let lifecycle: ServerLifecycle
  let rules: BatchRules<Result, Sink_V1_SinkResponse>

  init(handler: RequestHandler<Batch, [Result]>, lifecycle: ServerLifecycle, endpoint: Endpoint) {
    self.handler = handler
    self.lifecycle = lifecycle
    self.rules = Self.rules(for: endpoint)
  }

  /// Registers `SinkFn` with the hand codecs (see `SinkWireCoding.swift`) and `IsReady` with
  /// the generated code's.
  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandCoded(Sink_V1_Sink.Method.SinkFn.descriptor) { request, context in
      try await sinkFn(request: request, context: context)
    }
    router.registerIsReady(Sink_V1_Sink.Method.IsReady.descriptor, answering: Sink_V1_ReadyResponse.self)
  }

  func sinkFn(
    request: RPCAsyncSequence<Sink_V1_SinkRequest, any Error>,
    response: RPCWriter<Sink_V1_SinkResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Sink_V1_SinkRequest, Sink_V1_SinkResponse>.sink
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveBatches(
        requests: request, outbound: outbound, shape: shape, batch: rules, handler: handler, lifecycle: lifecycle)
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Sink_V1_ReadyResponse {
    .ready
  }

  /// How a batch's results are checked and sent. A fallback or on-success sink must not send
  /// its datums on again: numa fails the vertex when one answers "fallback" or "serve".
  static func rules(for endpoint: Endpoint) -> BatchRules<Result, Sink_V1_SinkResponse> {
    let role = endpoint == .fallbackSink ? "a fallback sink" : endpoint == .onSuccessSink ? "an on-success sink" : nil
    return BatchRules(
      endOfBatchResponse: .endOfBatch,
      answerID: \.id,
      problem: { results in
        guard let role else { return nil }
        let forbidden = results.filter { $0.status == .fallback || $0.status == .serve }.map(\.id)
        guard !forbidden.isEmpty else { return nil }
        return "\(role) answered \(UDFFailure.list(forbidden)) with fallback or serve, "
          + "which numa refuses from \(role)"
      },
      responses: packed
    )
  }

  /// The results in as few messages as keep each well under numa's 64 MiB message limit.
  static func packed(_ results: [Result]) -> [Sink_V1_SinkResponse] {
    let budget = 4 << 20
    var messages: [Sink_V1_SinkResponse] = []
    var current = Sink_V1_SinkResponse()
    var size = 0
    for result in results {
      let cost =
        32 + result.id.utf8.count + result.errMsg.utf8.count + result.serveResponse.count
        + result.onSuccessMsg.value.count
      if size + cost > budget && !current.results.isEmpty {
        messages.append(current)
        current = Sink_V1_SinkResponse()
        size = 0
      }
      current.results.append(result)
      size += cost
    }
    if !current.results.isEmpty { messages.append(current) }
    return messages
  }

  /// The user's sinker adapted to wire messages. In multiprocess mode each worker gets a part
  /// of every batch.
  static func handler(_ sinker: some Sinker) -> LocalHandler<Batch, [Result]> {
    LocalHandler(name: "sink handler", codec: .handCodedBatches(requestID: \.request.id)) { batch async throws in
      try await sinker.sink(batch.map(Datum.init)).map(\.result)
    }.spreadingBatches().described(description)
  }

  static func handler(_ sinker: some SyncSinker) -> LocalHandler<Batch, [Result]> {
    LocalHandler(
      name: "sink handler", codec: .handCodedBatches(requestID: \.request.id),
      sync: { batch in try sinker.sink(batch.map(Datum.init)).map(\.result) }
    ).spreadingBatches().described(description)
  }

  /// A batch per call; one result per datum.
  static let description = CallDescription<Batch, [Result]>.batch { $0.count }
}

extension StreamShape<Sink_V1_SinkRequest, Sink_V1_SinkResponse> {
  /// A `SinkFn` stream: a handshake, then batches of requests by id, each closed by an EOT.
  static let sink = StreamShape(
    rpc: "SinkFn",
    classify: { request in
      if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
      if request.hasStatus, request.status.eot { return .endOfBatch }
      guard request.hasRequest else { return .invalid(id: "", problem: "it carries no request payload") }
      return .request(id: request.request.id)
    },
    handshakeResponse: {
      var response = Sink_V1_SinkResponse()
      response.handshake.sot = true
      return response
    }(),
    cost: { $0.results.reduce(0) { $0 + $1.serveResponse.count + $1.onSuccessMsg.value.count } },
    weight: { max(1, $0.results.count) }
  )
}

extension Sink_V1_SinkResponse {
  /// The message that follows a batch's results.
  static let endOfBatch: Self = {
    var response = Self()
    response.status.eot = true
    return response
  }()
}

extension Sink_V1_ReadyResponse: ReadyResponse {}
