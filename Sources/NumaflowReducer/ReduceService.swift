import GRPCCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `reduce.v1.Reduce` service to a reducer, for fixed and sliding windows:
/// one stream per window, a task per key group (`KeyedTasks`), results with the
/// window, then exactly one EOF.
package struct ReduceService: Reduce_V1_Reduce.SimpleServiceProtocol {
  /// Makes the work of one keyed window: read the datums, send the results.
  package typealias MakeRun =
    @Sendable (_ keys: [String], _ window: Window, _ output: WindowOutput) -> KeyedTasks<Datum>.Run

  let rpc: String
  let handlerName: String
  let makeRun: MakeRun
  let lifecycle: ServerLifecycle

  package init(rpc: String, handlerName: String, lifecycle: ServerLifecycle, makeRun: @escaping MakeRun) {
    self.rpc = rpc
    self.handlerName = handlerName
    self.makeRun = makeRun
    self.lifecycle = lifecycle
  }

  package func reduceFn(
    request: RPCAsyncSequence<Reduce_V1_ReduceRequest, any Error>,
    response: RPCWriter<Reduce_V1_ReduceResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Reduce_V1_ReduceRequest, Reduce_V1_ReduceResponse>.reduce(rpc: rpc)
    let streamWindow = StreamWindow()
    let makeRun = self.makeRun
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveKeyedTasks(
        requests: request, outbound: outbound, shape: shape, handlerName: handlerName, lifecycle: lifecycle,
        route: { (request, tasks: inout KeyedTasks<Datum>) throws(WindowRequestError) in
          let wire = try Self.window(of: request, streamWindow: streamWindow)
          let keys = request.payload.keys
          let key = groupKey(keys)
          if !tasks.isOpen(key) {
            // A key group's first datum: its reducer gets the group's keys and the window.
            let window = Window(wireStart: wire.start, wireEnd: wire.end)
            let run = makeRun(
              keys, window, WindowOutput(window: wire, outbound: outbound, metrics: lifecycle.telemetry.metrics))
            tasks.start(key, subject: window.describe(keys: keys), run: run)
          }
          tasks.send(Datum(id: "", request.payload), to: key)
        },
        afterAll: {
          // One EOF, after every key's results: numa stops reading at the first.
          guard let wire = streamWindow.first else { return }
          var eof = Reduce_V1_ReduceResponse()
          eof.window = wire
          eof.eof = true
          try await outbound.send(eof)
        })
    }
  }

  package func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Reduce_V1_ReadyResponse {
    .ready
  }

  /// The one window of a request on an aligned stream, checked against the stream's first.
  static func window(
    of request: Reduce_V1_ReduceRequest, streamWindow: StreamWindow
  ) throws(WindowRequestError) -> Reduce_V1_Window {
    let operation = request.operation
    switch operation.event {
    case .open, .append: break
    case .close:
      throw WindowRequestError("numa closes an aligned window by half-closing its stream, not with CLOSE")
    case .UNRECOGNIZED(let value):
      throw WindowRequestError("unknown window operation \(value)")
    }
    guard operation.windows.count == 1 else {
      throw WindowRequestError("an aligned window operation carries exactly one window, not \(operation.windows.count)")
    }
    let wire = operation.windows[0]
    guard wire.hasStart, wire.hasEnd else { throw WindowRequestError("the window has no start or no end") }
    guard request.hasPayload else { throw WindowRequestError("an OPEN or APPEND carries a payload") }
    // An APPEND that comes first opens the window, as an OPEN would.
    let first = streamWindow.setIfFirst(wire)
    guard first.start == wire.start, first.end == wire.end else {
      throw WindowRequestError(
        "window \(Window(wireStart: wire.start, wireEnd: wire.end)) differs from this stream's window "
          + "\(Window(wireStart: first.start, wireEnd: first.end)): numa opens one stream per window")
    }
    return wire
  }
}

/// The window of one stream: the first request's.
final class StreamWindow: Sendable {
  private let window = Mutex<Reduce_V1_Window?>(nil)

  var first: Reduce_V1_Window? { window.withLock { $0 } }

  /// The stream's window, which becomes `wire` if this is the first.
  func setIfFirst(_ wire: Reduce_V1_Window) -> Reduce_V1_Window {
    window.withLock { window in
      if window == nil { window = wire }
      return window!
    }
  }
}

/// Where one keyed window's results go: numa's stream, each result with the window.
package struct WindowOutput: Sendable {
  let window: Reduce_V1_Window
  let outbound: OutboundQueue<Reduce_V1_ReduceResponse>
  /// Counts the results, when metrics are on.
  let metrics: HandlerMetrics?

  /// Sends `messages`; suspends while numa is not reading.
  package func send(_ messages: [Message]) async throws {
    try await outbound.send(
      contentsOf: messages.map { message in
        var response = Reduce_V1_ReduceResponse()
        response.result = message.result
        response.window = window
        return response
      })
    metrics?.countOutputs(messages.count)
  }
}

extension StreamShape<Reduce_V1_ReduceRequest, Reduce_V1_ReduceResponse> {
  /// A `ReduceFn` stream: no handshake, window operations until the client half-closes.
  static func reduce(rpc: String) -> Self {
    StreamShape(
      rpc: rpc,
      classify: { request in
        request.hasOperation ? .request(id: "") : .invalid(id: "", problem: "it carries no window operation")
      },
      handshakeResponse: nil,
      cost: { $0.result.value.count }
    )
  }
}

extension Reduce_V1_ReduceRequest.Payload: WirePayload {}

extension Datum {
  /// Collects a keyed window's datums, for a blocking reducer.
  static func collect(_ stream: AsyncStream<Datum>) async -> [Datum] {
    var datums: [Datum] = []
    for await datum in stream { datums.append(datum) }
    return datums
  }
}

extension Reduce_V1_ReadyResponse: ReadyResponse {}
