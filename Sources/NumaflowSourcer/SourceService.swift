import GRPCCore
import GRPCProtobuf
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `source.v1.Source` service to a ``Sourcer``: five RPCs on one host.
struct SourceService: Source_V1_Source.SimpleServiceProtocol {
  let sourcer: any Sourcer
  let lifecycle: ServerLifecycle

  /// Numbers every `ReadFn` stream of the process, so that a source can tell them apart.
  private static let streams = Atomic<UInt64>(0)

  /// The generated service's `ReadFn`, its replies encoded by SwiftProtobuf: numa is served by
  /// ``HandCodedSourceService``'s instead, whose replies are written straight from each message.
  func readFn(
    request: RPCAsyncSequence<Source_V1_ReadRequest, any Error>,
    response: RPCWriter<Source_V1_ReadResponse>,
    context: ServerContext
  ) async throws {
    try await readFn(request: request, replies: { try await response.write(contentsOf: $0.map(\.wire)) })
  }

  /// A handshake, then one read at a time: its messages as they are written, then an EOT.
  /// When the stream ends, however it ends, the source hears of it.
  func readFn(
    request: RPCAsyncSequence<Source_V1_ReadRequest, any Error>,
    replies: @escaping @Sendable ([ReadReply]) async throws -> Void
  ) async throws {
    let stream = ReadStream(number: Self.streams.add(1, ordering: .relaxed).newValue)
    do {
      try await serveReads(on: stream, request: request, replies: replies)
    } catch {
      await sourcer.readStreamEnded(stream)
      throw error
    }
    await sourcer.readStreamEnded(stream)
  }

  private func serveReads(
    on stream: ReadStream,
    request: RPCAsyncSequence<Source_V1_ReadRequest, any Error>,
    replies: @escaping @Sendable ([ReadReply]) async throws -> Void
  ) async throws {
    let shape = StreamShape<Source_V1_ReadRequest, ReadReply>.read
    try await OutboundQueue.withQueue(writing: replies, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveStream(
        requests: request, outbound: outbound, shape: shape, handlerName: "source read handler", lifecycle: lifecycle
      ) { reader, session in
        while let event = await reader.next() {
          guard case .request(_, let wire) = event, session.begin() else { break }
          defer { session.end() }
          let read = ReadRequest(
            count: Int(clamping: wire.request.numRecords), timeout: .milliseconds(wire.request.timeoutInMs),
            stream: stream)
          do {
            let written = DatumTally()
            let output = MessageWriter.reading(count: read.count, through: outbound, tally: written)
            try await lifecycle.telemetry.task(
              subject: "a read of up to \(read.count) messages", tally: written, counting: .outputs
            ) {
              try await withDeadline(read.timeout) { [sourcer] in try await sourcer.read(read, output: output) }
            }
            try await outbound.send(.endOfTransmission)
          } catch {
            session.handlerFailed(error, subject: "a read of up to \(read.count) messages")
            break
          }
        }
      }
    }
  }

  /// A handshake, then exactly one response per ack request, in order.
  func ackFn(
    request: RPCAsyncSequence<Source_V1_AckRequest, any Error>,
    response: RPCWriter<Source_V1_AckResponse>,
    context: ServerContext
  ) async throws {
    let handler = RequestHandler<Source_V1_AckRequest, Source_V1_AckResponse>(name: "source ack handler") {
      [sourcer] request in
      try await sourcer.ack(request.request.offsets.map(Offset.init))
      return .success
    }
    let shape = StreamShape<Source_V1_AckRequest, Source_V1_AckResponse>.ack
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveOneResponsePerRequest(
        requests: request, outbound: outbound, shape: shape, handler: handler, lifecycle: lifecycle)
    }
  }

  func nackFn(request: Source_V1_NackRequest, context: ServerContext) async throws -> Source_V1_NackResponse {
    try await answerUnary(rpc: "NackFn", handlerName: "source nack handler", lifecycle: lifecycle) {
      for entry in request.request {
        try await sourcer.nack(
          entry.offsets.map(Offset.init), options: entry.hasNackOptions ? NackOptions(entry.nackOptions) : nil)
      }
      var response = Source_V1_NackResponse()
      response.result.success = Google_Protobuf_Empty()
      return response
    }
  }

  func pendingFn(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Source_V1_PendingResponse {
    try await answerUnary(rpc: "PendingFn", handlerName: "source pending handler", lifecycle: lifecycle) {
      var response = Source_V1_PendingResponse()
      // The protocol's "unavailable" is a negative count.
      response.result.count = try await sourcer.pending().map(Int64.init) ?? -1
      return response
    }
  }

  func partitionsFn(request: Google_Protobuf_Empty, context: ServerContext) async throws
    -> Source_V1_PartitionsResponse
  {
    try await answerUnary(rpc: "PartitionsFn", handlerName: "source partitions handler", lifecycle: lifecycle) {
      var response = Source_V1_PartitionsResponse()
      response.result.partitions = try await sourcer.partitions()
      if let total = try await sourcer.totalPartitions() { response.result.totalPartitions = total }
      return response
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Source_V1_ReadyResponse {
    .ready
  }
}

/// Runs `body`, cancelling it when `timeout` is over; a body that ends by that cancellation
/// returns normally. A timeout of zero means none.
func withDeadline(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
  guard timeout > .zero else { return try await body() }
  try await withThrowingTaskGroup(of: Bool.self) { group in
    group.addTask {
      do {
        try await body()
      } catch  where Task.isCancelled {
        // Cancelled by the deadline (or the stream): what was written stands.
      }
      return true
    }
    group.addTask {
      try? await Task.sleep(for: timeout)
      return false
    }
    while let finished = try await group.next() {
      group.cancelAll()
      if finished { break }
    }
  }
}

extension StreamShape<Source_V1_ReadRequest, ReadReply> {
  /// `ReadFn`: a handshake, then read requests.
  static let read = StreamShape(
    rpc: "ReadFn",
    classify: { request in
      if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
      guard request.hasRequest else { return .invalid(id: "", problem: "it carries no read request") }
      return .request(id: "")
    },
    handshakeResponse: .handshake,
    cost: \.payloadBytes,
    maxInFlight: 1
  )
}

extension StreamShape<Source_V1_AckRequest, Source_V1_AckResponse> {
  /// `AckFn`: a handshake, then ack requests answered one at a time, in order.
  static let ack = StreamShape(
    rpc: "AckFn",
    classify: { request in
      if request.hasHandshake { return .handshake(sot: request.handshake.sot) }
      guard request.hasRequest else { return .invalid(id: "", problem: "it carries no ack request") }
      return .request(id: request.request.offsets.map { Offset($0).description }.joined(separator: ","))
    },
    handshakeResponse: {
      var response = Source_V1_AckResponse.success
      response.handshake.sot = true
      return response
    }(),
    cost: { _ in 0 },
    maxInFlight: 1
  )
}

extension Source_V1_AckResponse {
  static var success: Self {
    var response = Self()
    response.result.success = Google_Protobuf_Empty()
    return response
  }
}

/// The source's RPCs as the generated code registers them, but for `ReadFn`, whose replies are
/// written straight from each message (``ReadReplySerializer``) instead of through a
/// `Source_V1_ReadResponse`.
struct HandCodedSourceService: RegistrableRPCService {
  let service: SourceService

  init(sourcer: any Sourcer, lifecycle: ServerLifecycle) {
    service = SourceService(sourcer: sourcer, lifecycle: lifecycle)
  }

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    service.registerMethods(with: &router)
    // Replaces the generated registration (grpc-swift keeps the last one).
    router.registerHandler(
      forMethod: Source_V1_Source.Method.ReadFn.descriptor, deserializer: ProtobufDeserializer<Source_V1_ReadRequest>(),
      serializer: ReadReplySerializer()
    ) { [service] request, _ in
      StreamingServerResponse { writer in
        try await service.readFn(request: request.messages, replies: { try await writer.write(contentsOf: $0) })
        return [:]
      }
    }
  }
}

extension Source_V1_ReadyResponse: ReadyResponse {}
