import GRPCCore
import Logging
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `sessionreduce.v1.SessionReduce` service to a session reducer: one
/// long-lived stream, whose operations a `SessionRouter` applies to a task per session.
struct SessionReduceService: Sessionreduce_V1_SessionReduce.SimpleServiceProtocol {
  typealias Request = Sessionreduce_V1_SessionReduceRequest
  typealias Response = Sessionreduce_V1_SessionReduceResponse

  let makeReducer: @Sendable () -> any SessionReducer
  let lifecycle: ServerLifecycle

  func sessionReduceFn(
    request: RPCAsyncSequence<Request, any Error>,
    response: RPCWriter<Response>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Request, Response>.sessionReduce
    try await OutboundQueue.withQueue(writingTo: response, lifecycle: lifecycle, cost: shape.cost) { outbound in
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
    var ready = Sessionreduce_V1_ReadyResponse()
    ready.ready = true
    return ready
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
