import Foundation
import GRPCCore
import NumaflowAccumulator
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// Talks to an accumulator the way numa does: one `AccumulateFn` stream; per key combination an
/// OPEN with the window `[first event time, the end of time)`, APPENDs in arrival order, and a
/// CLOSE with the window `[first event time, last event time + timeout)`; outputs with the key's
/// window, and an EOF per CLOSE that echoes it.
///
/// ```swift
/// let client = AccumulatorTestClient(server: AccumulatorServer(accumulator: StreamSorter.init))
/// let outcome = try await client.accumulate(datums, timeout: .seconds(10))
/// #expect(outcome.outputs.map(\.message.eventTime) == datums.map(\.eventTime).sorted())
/// ```
public struct AccumulatorTestClient: TestClient {
  public typealias Server = AccumulatorServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// One output, with the window it came with: from the epoch to the latest watermark written.
  public typealias Output = WindowOutput<NumaflowAccumulator.Message>

  /// What came back: the outputs in the order sent, and the windows of the EOFs.
  public typealias Outcome = WindowOutcome<NumaflowAccumulator.Message>

  /// The largest time numa's windows use (Rust's `DateTime::<Utc>::MAX_UTC`, year 262142): the
  /// end of an open accumulator window, far outside a protobuf `Timestamp`'s range.
  package static let endOfTime = Google_Protobuf_Timestamp(seconds: 8_210_266_876_799, nanos: 999_999_999)

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// Sends `datums` in the order given, grouped by their keys, closes every key after its
  /// last datum as numa does once the watermark passes it, and waits for every key's EOF.
  /// A datum's watermark is sent as it is; give each the watermark numa would have had.
  /// - Throws: `RPCError` with the server's status, or ``ProtocolViolation`` when an output has
  ///   no window or event time, or an EOF's window is not its CLOSE's.
  public func accumulate(_ datums: [Datum], timeout: Duration) async throws -> Outcome {
    var requests = Self.requests(for: datums, timeout: timeout)
    let closes = requests.filter { $0.operation.event == .close }
    requests = requests.filter { $0.operation.event != .close } + closes
    let outcome = try await send(requests)
    if let error = outcome.error { throw error }
    var outputs: [Output] = []
    var closed: [Window] = []
    for response in outcome.responses {
      guard response.hasWindow else { throw ProtocolViolation("a response has no window") }
      let window = Window(wireStart: response.window.start, wireEnd: response.window.end)
      if response.eof {
        closed.append(window)
        continue
      }
      guard response.payload.hasEventTime else { throw ProtocolViolation("an output has no event time") }
      outputs.append(Output(message: NumaflowAccumulator.Message(response), window: window, keys: response.window.keys))
    }
    let expected = closes.map {
      Window(wireStart: $0.operation.keyedWindow.start, wireEnd: $0.operation.keyedWindow.end)
    }
    guard Set(closed) == Set(expected), closed.count == expected.count else {
      throw ProtocolViolation("the EOFs' windows \(closed) are not the CLOSEs' \(expected)")
    }
    return Outcome(outputs: outputs, closed: closed)
  }

  /// The requests numa sends for `datums`: per key, OPEN, APPENDs and a CLOSE.
  package static func requests(for datums: [Datum], timeout: Duration) -> [Accumulator_V1_AccumulatorRequest] {
    var first: [[String]: Date] = [:]
    var last: [[String]: Date] = [:]
    var order: [[String]] = []
    var requests: [Accumulator_V1_AccumulatorRequest] = []
    for datum in datums {
      let opening = first[datum.keys] == nil
      if opening {
        first[datum.keys] = datum.eventTime
        order.append(datum.keys)
      }
      last[datum.keys] = max(last[datum.keys] ?? datum.eventTime, datum.eventTime)
      var request = Accumulator_V1_AccumulatorRequest()
      request.payload = datum.payload()
      request.payload.id = datum.id
      request.operation.event = opening ? .open : .append
      request.operation.keyedWindow = window(start: first[datum.keys]!, end: endOfTime, keys: datum.keys)
      requests.append(request)
    }
    for keys in order {
      var close = Accumulator_V1_AccumulatorRequest()
      close.operation.event = .close
      let end = last[keys]!.addingTimeInterval(Double(timeout.components.seconds))
      close.operation.keyedWindow = window(
        start: first[keys]!, end: Google_Protobuf_Timestamp(roundingToMicroseconds: end), keys: keys)
      requests.append(close)
    }
    return requests
  }

  private static func window(start: Date, end: Google_Protobuf_Timestamp, keys: [String])
    -> Accumulator_V1_KeyedWindow
  {
    var window = Accumulator_V1_KeyedWindow()
    window.start = Google_Protobuf_Timestamp(roundingToMicroseconds: start)
    window.end = end
    window.slot = "slot-0"
    window.keys = keys
    return window
  }

  /// Sends `requests` exactly as given on one stream, half-closes it, and collects everything
  /// the server sends until it ends the stream.
  package func send(_ requests: [Accumulator_V1_AccumulatorRequest]) async throws
    -> StreamOutcome<Accumulator_V1_AccumulatorResponse>
  {
    try await withClient { client in
      try await sendAll(requests) { try await client.accumulateFn(request: $0, onResponse: $1) }
    }
  }

  private func withClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Accumulator_V1_Accumulator.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Accumulator_V1_Accumulator.Client(wrapping: $0) },
      inProcess: { Accumulator_V1_Accumulator.Client(wrapping: $0) }, body)
  }
}

extension AccumulatorServer: TestableServer {
  public typealias TestClient = AccumulatorTestClient
}
