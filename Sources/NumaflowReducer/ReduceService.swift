import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `reduce.v1.Reduce` service to a reducer, for fixed and sliding windows:
/// one stream per window, a task per key group (`KeyedTasks`), results with the
/// window, then exactly one EOF.
package struct ReduceService: Reduce_V1_Reduce.SimpleServiceProtocol {
  /// Makes the work of one keyed window: read the datums, send the results.
  package typealias MakeRun = @Sendable (_ keys: [String], _ output: WindowOutput) -> KeyedTasks<Datum>.Run

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

  /// Registers `ReduceFn` with the hand codecs (see `ReduceWireCoding.swift`) and `IsReady` with
  /// the generated code's.
  package func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandCoded(Reduce_V1_Reduce.Method.ReduceFn.descriptor) { request, context in
      try await reduceFn(request: request, context: context)
    }
    router.registerIsReady(Reduce_V1_Reduce.Method.IsReady.descriptor, answering: Reduce_V1_ReadyResponse.self)
  }

  package func reduceFn(
    request: RPCAsyncSequence<Reduce_V1_ReduceRequest, any Error>,
    response: RPCWriter<Reduce_V1_ReduceResponse>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Reduce_V1_ReduceRequest, Reduce_V1_ReduceResponse>.reduce(rpc: rpc)
    let makeRun = self.makeRun
    let metrics = lifecycle.telemetry.metrics
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      let streamWindow = StreamWindow(outbound: outbound, metrics: metrics)
      try await serveKeyedTasks(
        requests: request, outbound: outbound, shape: shape, handlerName: handlerName, lifecycle: lifecycle,
        route: { (request, tasks: inout KeyedTasks<Datum>) throws(WindowRequestError) in
          let output = try Self.output(of: request, streamWindow: streamWindow)
          let keys = request.payload.keys
          let key = groupKey(keys)
          if !tasks.isOpen(key) {
            // A key group's first datum: its reducer gets the group's keys and the stream's
            // window, shared by all its keys.
            tasks.start(key, subject: TaskSubject(output.scope, keys: keys), run: makeRun(keys, output))
          }
          tasks.send(Datum(id: "", request.payload), to: key)
        },
        afterAll: {
          // One EOF, after every key's results: numa stops reading at the first.
          guard let output = streamWindow.first else { return }
          var eof = Reduce_V1_ReduceResponse()
          eof.window = output.wire
          eof.eof = true
          try await outbound.send(eof)
        })
    }
  }

  package func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Reduce_V1_ReadyResponse {
    .ready
  }

  /// The output of the one window of a request on an aligned stream, checked against the
  /// stream's first.
  static func output(
    of request: Reduce_V1_ReduceRequest, streamWindow: StreamWindow
  ) throws(WindowRequestError) -> WindowOutput {
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
    let output = streamWindow.setIfFirst(wire)
    guard output.wire.start == wire.start, output.wire.end == wire.end else {
      throw WindowRequestError(
        "window \(Window(wireStart: wire.start, wireEnd: wire.end)) differs from this stream's window "
          + "\(output.window): numa opens one stream per window")
    }
    return output
  }
}

/// The window of one stream: the first request's, with the output every key of it shares.
final class StreamWindow: Sendable {
  private let output = Mutex<WindowOutput?>(nil)
  private let outbound: OutboundQueue<Reduce_V1_ReduceResponse>
  private let metrics: HandlerMetrics?

  init(outbound: OutboundQueue<Reduce_V1_ReduceResponse>, metrics: HandlerMetrics?) {
    self.outbound = outbound
    self.metrics = metrics
  }

  var first: WindowOutput? { output.withLock { $0 } }

  /// The stream's output, for `wire` if this is the first window.
  func setIfFirst(_ wire: Reduce_V1_Window) -> WindowOutput {
    output.withLock { output in
      if let output { return output }
      let made = WindowOutput(wire: wire, outbound: outbound, metrics: metrics)
      output = made
      return made
    }
  }
}

/// Where one stream's results go: numa's stream, each result with the window. One per stream,
/// shared by its keys (a window with 10,000 keys holds one, not 10,000).
package final class WindowOutput: Sendable {
  /// The window exactly as numa sent it, echoed in every response.
  let wire: Reduce_V1_Window
  /// The window, for the reducers.
  package let window: Window
  /// How errors and spans name the window: "window [0, 60000)".
  let scope: String
  let outbound: OutboundQueue<Reduce_V1_ReduceResponse>
  /// Counts the results, when metrics are on.
  let metrics: HandlerMetrics?

  init(wire: Reduce_V1_Window, outbound: OutboundQueue<Reduce_V1_ReduceResponse>, metrics: HandlerMetrics?) {
    self.wire = wire
    self.window = Window(wireStart: wire.start, wireEnd: wire.end)
    self.scope = "window \(window)"
    self.outbound = outbound
    self.metrics = metrics
  }

  /// Sends `messages`; suspends while numa is not reading.
  package func send(_ messages: [Message]) async throws {
    try await outbound.send(
      contentsOf: messages.map { message in
        var response = Reduce_V1_ReduceResponse()
        response.result = message.result
        response.window = wire
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
  static func collect(_ input: KeyedInput<Datum>) async -> [Datum] {
    var datums: [Datum] = []
    while let datum = await input.next() { datums.append(datum) }
    return datums
  }
}

extension Reduce_V1_ReadyResponse: ReadyResponse {}
