import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowReducer
import NumaflowSessionReducer
import SwiftProtobuf

/// Talks to a session reducer the way numa does: one `SessionReduceFn` stream, and a tiny
/// session windower that turns plain datums into numa's operations. Per keys, a datum opens a
/// session `[event time, event time + gap)`, is appended to the session it falls in, expands a
/// session it extends, and merges the sessions it bridges; at the end every session is closed.
///
/// ```swift
/// let client = SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Counter.init))
/// let outcome = try await client.reduce(datums, gap: .seconds(30))
/// #expect(outcome.outputs.map(\.message.value) == [Data("3".utf8)])
/// ```
public struct SessionReduceTestClient: TestClient {
  public typealias Server = SessionReduceServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// One result, with the session's window and keys.
  public typealias Output = WindowOutput<NumaflowReducer.Message>

  /// What came back: the results in the order sent, and the windows of the EOFs.
  public typealias Outcome = WindowOutcome<NumaflowReducer.Message>

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// Sends `datums` in the order given as numa's session windows with `gap` make them, closes
  /// every session, and returns what came back.
  /// - Throws: `RPCError` with the server's status, or ``ProtocolViolation`` when a response
  ///   has no window, or the EOFs are not one per closed session with its final window.
  public func reduce(_ datums: [Datum], gap: Duration) async throws -> Outcome {
    let requests = Self.requests(for: datums, gap: gap)
    let outcome = try await send(requests)
    if let error = outcome.error { throw error }
    var outputs: [Output] = []
    var closed: [Window] = []
    for response in outcome.responses {
      guard response.keyedWindow.hasStart, response.keyedWindow.hasEnd else {
        throw ProtocolViolation("a response has no window")
      }
      let window = Window(wireStart: response.keyedWindow.start, wireEnd: response.keyedWindow.end)
      if response.eof {
        closed.append(window)
      } else {
        outputs.append(
          Output(
            message: NumaflowReducer.Message(sessionResult: response.result), window: window,
            keys: response.keyedWindow.keys))
      }
    }
    let expected = requests.filter { $0.operation.event == .close }.map {
      Window(wireStart: $0.operation.keyedWindows[0].start, wireEnd: $0.operation.keyedWindows[0].end)
    }
    guard closed.sorted(by: Self.byBounds) == expected.sorted(by: Self.byBounds) else {
      throw ProtocolViolation("the EOFs' windows \(closed) are not the closed sessions' \(expected)")
    }
    return Outcome(outputs: outputs, closed: closed)
  }

  /// The operations numa sends for `datums` with session windows of `gap`.
  package static func requests(for datums: [Datum], gap: Duration) -> [Sessionreduce_V1_SessionReduceRequest] {
    let gap = Windowing.milliseconds(gap)
    var sessions: [[String]: [(start: Int64, end: Int64)]] = [:]
    var requests: [Sessionreduce_V1_SessionReduceRequest] = []

    func request(
      _ event: Sessionreduce_V1_SessionReduceRequest.WindowOperation.Event, _ windows: [(Int64, Int64)],
      keys: [String], datum: Datum?
    ) -> Sessionreduce_V1_SessionReduceRequest {
      var request = Sessionreduce_V1_SessionReduceRequest()
      request.operation.event = event
      request.operation.keyedWindows = windows.map { keyedWindow($0.0, $0.1, keys: keys) }
      if let datum { request.payload = datum.payload() }
      return request
    }

    for datum in datums {
      let time = Int64((datum.eventTime.timeIntervalSince1970 * 1000).rounded(.down))
      let new = (start: time, end: time + gap)
      var open = sessions[datum.keys, default: []]
      let overlapping = open.filter { $0.start < new.end && new.start < $0.end }
      open.removeAll { session in overlapping.contains { $0 == session } }
      var target: (start: Int64, end: Int64)
      switch overlapping.count {
      case 0:
        requests.append(request(.open, [new], keys: datum.keys, datum: datum))
        open.append(new)
        sessions[datum.keys] = open
        continue
      case 1:
        target = overlapping[0]
      default:
        target = (overlapping.map(\.start).min()!, overlapping.map(\.end).max()!)
        requests.append(request(.merge, overlapping.map { ($0.start, $0.end) }, keys: datum.keys, datum: nil))
      }
      let grown = (start: min(target.start, new.start), end: max(target.end, new.end))
      if grown == target {
        requests.append(request(.append, [target], keys: datum.keys, datum: datum))
      } else {
        requests.append(request(.expand, [target, grown], keys: datum.keys, datum: datum))
      }
      open.append(grown)
      sessions[datum.keys] = open
    }
    for (keys, windows) in sessions.sorted(by: { $0.key.joined(separator: ":") < $1.key.joined(separator: ":") }) {
      for window in windows.sorted(by: { $0.end < $1.end }) {
        requests.append(request(.close, [window], keys: keys, datum: nil))
      }
    }
    return requests
  }

  private static func keyedWindow(_ start: Int64, _ end: Int64, keys: [String]) -> Sessionreduce_V1_KeyedWindow {
    var window = Sessionreduce_V1_KeyedWindow()
    window.start = Google_Protobuf_Timestamp(seconds: start / 1000, nanos: Int32(start % 1000) * 1_000_000)
    window.end = Google_Protobuf_Timestamp(seconds: end / 1000, nanos: Int32(end % 1000) * 1_000_000)
    window.slot = "slot-0"
    window.keys = keys
    return window
  }

  private static func byBounds(_ lhs: Window, _ rhs: Window) -> Bool { (lhs.start, lhs.end) < (rhs.start, rhs.end) }

  /// Sends `requests` exactly as given on one stream, half-closes it, and collects everything
  /// the server sends until it ends the stream.
  package func send(_ requests: [Sessionreduce_V1_SessionReduceRequest]) async throws
    -> StreamOutcome<Sessionreduce_V1_SessionReduceResponse>
  {
    try await withClient { client in
      try await sendAll(requests) { try await client.sessionReduceFn(request: $0, onResponse: $1) }
    }
  }

  private func withClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Sessionreduce_V1_SessionReduce.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Sessionreduce_V1_SessionReduce.Client(wrapping: $0) },
      inProcess: { Sessionreduce_V1_SessionReduce.Client(wrapping: $0) }, body)
  }
}

extension SessionReduceServer: TestableServer {
  public typealias TestClient = SessionReduceTestClient
}
