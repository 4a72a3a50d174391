import GRPCCore
import GRPCProtobuf
import Logging
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Adapts the generated `accumulator.v1.Accumulator` service to an accumulator: one long-lived
/// stream, a task per key combination (`KeyedTasks`), outputs with the key's
/// window, and on CLOSE an EOF that echoes the CLOSE's window.
struct AccumulatorService: Accumulator_V1_Accumulator.SimpleServiceProtocol {
  typealias Request = Accumulator_V1_AccumulatorRequest
  typealias Response = Accumulator_V1_AccumulatorResponse

  let makeAccumulator: @Sendable () -> any Accumulator
  let lifecycle: ServerLifecycle

  /// Registers `AccumulateFn` with the hand codecs (see `AccumulatorWireCoding.swift`) and
  /// `IsReady` with the generated code's.
  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandCoded(Accumulator_V1_Accumulator.Method.AccumulateFn.descriptor) { request, context in
      try await accumulateFn(request: request, context: context)
    }
    router.registerIsReady(
      Accumulator_V1_Accumulator.Method.IsReady.descriptor, answering: Accumulator_V1_ReadyResponse.self)
  }

  func accumulateFn(
    request: RPCAsyncSequence<Request, any Error>,
    response: RPCWriter<Response>,
    context: ServerContext
  ) async throws {
    let shape = StreamShape<Request, Response>.accumulator
    let closes = CloseWindows()
    let makeAccumulator = self.makeAccumulator
    let logger = lifecycle.logger
    try await OutboundQueue.withQueue(writingTo: response, shape: shape, lifecycle: lifecycle) { outbound in
      try await serveKeyedTasks(
        requests: request, outbound: outbound, shape: shape, handlerName: "accumulator", lifecycle: lifecycle,
        route: { (request, tasks: inout KeyedTasks<Datum>) throws(WindowRequestError) in
          let operation = request.operation
          guard operation.hasKeyedWindow else { throw WindowRequestError("the operation carries no keyed window") }
          let keys = operation.keyedWindow.keys
          let key = groupKey(keys)
          switch operation.event {
          case .open, .append:
            // An APPEND for a key with no task opens one, as an OPEN would.
            guard request.hasPayload else { throw WindowRequestError("an OPEN or APPEND carries a payload") }
            if !tasks.isOpen(key) {
              let run = Self.run(
                keys: keys, close: closes.start(key), outbound: outbound, metrics: lifecycle.telemetry.metrics,
                makeAccumulator: makeAccumulator)
              tasks.start(key, subject: TaskSubject("", keys: keys), run: run)
            }
            tasks.send(Datum(id: request.payload.id, request.payload), to: key)
          case .close:
            guard tasks.isOpen(key) else {
              logger.warning(
                "CLOSE for keys with no open task: ignored", metadata: ["keys": "\(keys)", "rpc": "AccumulateFn"])
              return
            }
            closes.close(key, with: operation.keyedWindow)
            tasks.finish(key)
          case .UNRECOGNIZED(let value):
            throw WindowRequestError("unknown window operation \(value)")
          }
        })
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Accumulator_V1_ReadyResponse {
    .ready
  }

  /// One key's task: the accumulator, then the EOF with the CLOSE's window (or, when the stream
  /// ended without one, the window of the outputs' progress).
  static func run(
    keys: [String], close: CloseWindow, outbound: OutboundQueue<Response>, metrics: HandlerMetrics?,
    makeAccumulator: @escaping @Sendable () -> any Accumulator
  ) -> KeyedTasks<Datum>.Run {
    { input in
      let progress = KeyProgress(keys: keys)
      try await makeAccumulator().accumulate(
        keys: keys, datums: Datums(input), output: progress.writer(through: outbound).counting(in: metrics))
      var eof = Response()
      eof.window = close.window ?? progress.window
      eof.eof = true
      try await outbound.send(eof)
    }
  }
}

/// The CLOSE window of one key's task, once numa has sent it.
final class CloseWindow: Sendable {
  private let value = Mutex<Accumulator_V1_KeyedWindow?>(nil)

  var window: Accumulator_V1_KeyedWindow? { value.withLock { $0 } }
  func set(_ window: Accumulator_V1_KeyedWindow) { value.withLock { $0 = window } }
}

/// The open tasks' CLOSE windows, by key: a key closed and opened again gets a new one.
final class CloseWindows: Sendable {
  private let open = Mutex<[String: CloseWindow]>([:])

  func start(_ key: String) -> CloseWindow {
    let close = CloseWindow()
    open.withLock { $0[key] = close }
    return close
  }

  func close(_ key: String, with window: Accumulator_V1_KeyedWindow) {
    open.withLock { $0.removeValue(forKey: key) }?.set(window)
  }
}

extension StreamShape<Accumulator_V1_AccumulatorRequest, Accumulator_V1_AccumulatorResponse> {
  /// An `AccumulateFn` stream: no handshake, window operations for every key until half-close.
  static let accumulator = StreamShape(
    rpc: "AccumulateFn",
    classify: { request in
      request.hasOperation ? .request(id: request.payload.id) : .invalid(id: "", problem: "it carries no operation")
    },
    handshakeResponse: nil,
    cost: { $0.payload.value.count }
  )
}

extension Accumulator_V1_Payload: WirePayload {}

extension Accumulator_V1_ReadyResponse: ReadyResponse {}
