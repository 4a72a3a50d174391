import GRPCCore
import Logging
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `sessionreduce.v1.SessionReduce` service to a session reducer: one
/// long-lived stream, a task per session (`KeyedTasks`), the operations as
/// protocol.md §3.6 lists them, and after each closed session its results and an EOF with its
/// final window.
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
    let sessions = Sessions()
    let makeReducer = self.makeReducer
    let logger = lifecycle.logger
    try await OutboundQueue.withQueue(writingTo: response, lifecycle: lifecycle, cost: shape.cost) { outbound in
      /// Starts `session`'s task, after merging `merged` into it.
      @Sendable func start(_ session: Session, merging merged: [Session] = [], tasks: inout KeyedTasks<Datum>) {
        let window = session.window
        let subject = "session \(Window(wireStart: window.start, wireEnd: window.end)) keys \(window.keys)"
        tasks.start(Session.key(window), subject: subject) { stream in
          defer { session.ended.signal() }
          for old in merged {
            await old.ended.wait()
            try await session.reducer.merge(accumulator: try await old.reducer.accumulator())
          }
          try await session.reducer.sessionReduce(
            keys: window.keys, datums: Datums(stream), output: .results(of: session, through: outbound))
          guard !session.isMerged else { return }
          var eof = Response()
          eof.keyedWindow = session.window
          eof.eof = true
          try await outbound.send(eof)
        }
      }

      try await serveKeyedTasks(
        requests: request, outbound: outbound, shape: shape, handlerName: "session reducer", lifecycle: lifecycle,
        route: { (request, tasks: inout KeyedTasks<Datum>) throws(WindowRequestError) in
          let windows = request.operation.keyedWindows
          guard windows.allSatisfy({ $0.hasStart && $0.hasEnd }) else {
            throw WindowRequestError("a keyed window has no start or no end")
          }
          let datum = request.hasPayload ? Datum(id: "", request.payload) : nil
          switch request.operation.event {
          case .open, .append:
            guard windows.count == 1, let datum else {
              throw WindowRequestError("an OPEN or APPEND carries one keyed window and a payload")
            }
            // An APPEND for an unknown session opens it, as an OPEN would.
            let key = Session.key(windows[0])
            if !tasks.isOpen(key) {
              let session = Session(reducer: makeReducer(), window: windows[0])
              sessions.add(session, as: key)
              start(session, tasks: &tasks)
            }
            tasks.send(datum, to: key)
          case .expand:
            guard windows.count == 2 else { throw WindowRequestError("an EXPAND carries exactly two keyed windows") }
            let (old, new) = (Session.key(windows[0]), Session.key(windows[1]))
            if let session = sessions.remove(old), tasks.isOpen(old) {
              session.move(to: windows[1])
              sessions.add(session, as: new)
              tasks.rename(old, to: new)
            } else if !tasks.isOpen(new) {
              logger.warning("EXPAND of an unknown session: opened it", metadata: ["window": "\(windows[0])"])
              let session = Session(reducer: makeReducer(), window: windows[1])
              sessions.add(session, as: new)
              start(session, tasks: &tasks)
            }
            if let datum { tasks.send(datum, to: new) }
          case .merge:
            guard windows.count >= 2 else { throw WindowRequestError("a MERGE carries at least two keyed windows") }
            var merged = windows[0]
            for window in windows.dropFirst() {
              if (window.start.seconds, window.start.nanos) < (merged.start.seconds, merged.start.nanos) {
                merged.start = window.start
              }
              if (window.end.seconds, window.end.nanos) > (merged.end.seconds, merged.end.nanos) {
                merged.end = window.end
              }
            }
            var olds: [Session] = []
            for window in windows {
              let key = Session.key(window)
              guard let session = sessions.remove(key), tasks.isOpen(key) else {
                logger.warning("MERGE of an unknown session: left out", metadata: ["window": "\(window)"])
                continue
              }
              session.markMerged()
              tasks.finish(key)
              olds.append(session)
            }
            let session = Session(reducer: makeReducer(), window: merged)
            sessions.add(session, as: Session.key(merged))
            start(session, merging: olds, tasks: &tasks)
          case .close:
            for window in windows {
              let key = Session.key(window)
              guard let session = sessions.remove(key), tasks.isOpen(key) else {
                logger.warning("CLOSE of an unknown session: ignored", metadata: ["window": "\(window)"])
                continue
              }
              session.move(to: window)
              tasks.finish(key)
            }
          case .UNRECOGNIZED(let value):
            throw WindowRequestError("unknown window operation \(value)")
          }
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
