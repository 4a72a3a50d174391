import GRPCCore
import GRPCProtobuf
import Logging
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `sessionreduce.v1.SessionReduce` service to a session reducer: one
/// long-lived stream, whose operations a `SessionRouter` applies to a task per session.
struct SessionReduceService: Sessionreduce_V1_SessionReduce.SimpleServiceProtocol {
  let makeReducer: @Sendable () -> any SessionReducer
  let lifecycle: ServerLifecycle

  /// Registers `SessionReduceFn` with the hand codecs (see `SessionReduceWireCoding.swift`) and
  /// `IsReady` with the generated code's.
  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandCoded(Sessionreduce_V1_SessionReduce.Method.SessionReduceFn.descriptor) { request, context in
      try await sessionReduceFn(request: request, context: context)
    }
    router.registerIsReady(
      Sessionreduce_V1_SessionReduce.Method.IsReady.descriptor, answering: Sessionreduce_V1_ReadyResponse.self)
  }

  func sessionReduceFn(
    request: RPCAsyncSequence<Sessionreduce_V1_SessionReduceRequest, any Error>,
    response: RPCWriter<Sessionreduce_V1_SessionReduceResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Sessionreduce_V1_SessionReduceRequest, Sessionreduce_V1_SessionReduceResponse>.sessionReduce
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      let router = SessionRouter(
        makeReducer: makeReducer, outbound: outbound, logger: lifecycle.logger, metrics: lifecycle.telemetry.metrics)
      try await serveKeyedTasks(
        requests: request, outbound: outbound, shape: shape, handlerName: "session reducer", lifecycle: lifecycle,
        route: { (request, tasks: inout KeyedTasks<Datum>) throws(WindowRequestError) in
          try router.route(request, tasks: &tasks)
        })
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Sessionreduce_V1_ReadyResponse {
    .ready
  }
}

/// The open sessions of one stream, by key.
final class Sessions: Sendable {
  private let open = Mutex<[String: Session]>([:])

  func add(_ session: Session, as key: String) { open.withLock { $0[key] = session } }
  func remove(_ key: String) -> Session? { open.withLock { $0.removeValue(forKey: key) } }
}

extension StreamShape<Sessionreduce_V1_SessionReduceRequest, Sessionreduce_V1_SessionReduceResponse> {
  /// A `SessionReduceFn` stream: no handshake, operations for every session until half-close.
  static let sessionReduce = StreamShape(
    rpc: "SessionReduceFn",
    classify: { request in
      request.hasOperation ? .request(id: "") : .invalid(id: "", problem: "it carries no window operation")
    },
    handshakeResponse: nil,
    cost: { $0.result.value.count }
  )
}

extension Sessionreduce_V1_SessionReduceRequest.Payload: WirePayload {}

extension Sessionreduce_V1_ReadyResponse: ReadyResponse {}
