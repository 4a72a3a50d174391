import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowReduceStreamer
import NumaflowReducer
import SwiftProtobuf

/// Talks to a fixed- or sliding-window reducer (`ReduceServer` or `ReduceStreamServer`) the
/// way numa does: one `ReduceFn` stream per window, OPEN then APPENDs, closed by a half-close,
/// answered with results and exactly one EOF.
///
/// ```swift
/// let client = ReduceTestClient(server: ReduceServer(reducer: Counter.init))
/// let outputs = try await client.reduce(records, windowing: .fixed(.seconds(60)))
/// #expect(outputs.map(\.message.value) == [Data("3".utf8)])
/// ```
public struct ReduceTestClient: TestClient {
  public typealias Server = ReduceServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// A client for `server`, served in this process for the duration of each call.
  public init(server: ReduceStreamServer, runtimeDirectory: String? = nil) {
    self.init(TestConnection(TestTarget(server, runtimeDirectory: runtimeDirectory)))
  }

  /// One result, with the window it is for.
  public typealias Output = WindowOutput<NumaflowReducer.Message>

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withReduceClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// Sends `datums` on one stream for `window` and returns its results in the order sent.
  /// - Throws: `RPCError` with the server's status, or ``ProtocolViolation`` when the results
  ///   lack the window, or the EOF is missing, repeated or followed by anything.
  public func reduce(_ datums: [Datum], window: Window) async throws -> [NumaflowReducer.Message] {
    try await withReduceClient { client in try await Self.reduce(datums, window: window, client: client) }
  }

  /// Assigns each datum to its windows by event time, as numa does, sends every window on its
  /// own stream, all at once, and returns the results ordered by window (by end, then start),
  /// then by keys (the keys of a window are reduced concurrently), each key's in the order sent.
  public func reduce(_ datums: [Datum], windowing: Windowing) async throws -> [Output] {
    var byWindow: [Window: [Datum]] = [:]
    for datum in datums {
      for window in windowing.windows(for: datum.eventTime) { byWindow[window, default: []].append(datum) }
    }
    let windows = byWindow.keys.sorted { ($0.end, $0.start) < ($1.end, $1.start) }
    let data = byWindow
    let results = try await withReduceClient { client in
      try await withThrowingTaskGroup(of: (Window, [NumaflowReducer.Message]).self) { group in
        for window in windows {
          group.addTask { (window, try await Self.reduce(data[window]!, window: window, client: client)) }
        }
        var results: [Window: [NumaflowReducer.Message]] = [:]
        for try await (window, messages) in group { results[window] = messages }
        return results
      }
    }
    return windows.flatMap { window in
      results[window, default: []].orderedByKeys(\.keys).map { Output(message: $0, window: window, keys: $0.keys) }
    }
  }

  /// Sends `requests` exactly as given on one stream (see `exchange` in `StreamExchange.swift`).
  package func exchange(
    _ requests: [Reduce_V1_ReduceRequest],
    awaitingResponses count: Int,
    timeout: Duration = .seconds(60),
    afterResponses: Int = 1,
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> StreamOutcome<Reduce_V1_ReduceResponse> {
    try await withReduceClient { client in
      try await NumaflowTesting.exchange(
        requests, awaitingResponses: count, timeout: timeout, afterResponses: afterResponses,
        afterSending: afterSending
      ) { try await client.reduceFn(request: $0, onResponse: $1) }
    }
  }

  /// Sends `requests` exactly as given on one stream, half-closes it, and collects everything
  /// the server sends until it ends the stream.
  package func send(_ requests: [Reduce_V1_ReduceRequest]) async throws -> StreamOutcome<Reduce_V1_ReduceResponse> {
    try await withReduceClient { client in
      try await sendAll(requests) { try await client.reduceFn(request: $0, onResponse: $1) }
    }
  }

  private static func reduce(
    _ datums: [Datum], window: Window, client: any Reduce_V1_Reduce.ClientProtocol
  ) async throws -> [NumaflowReducer.Message] {
    let requests = datums.enumerated().map { $1.reduceRequest(window: window, event: $0 == 0 ? .open : .append) }
    let request = StreamingClientRequest<Reduce_V1_ReduceRequest> { writer in
      try await writer.write(contentsOf: requests)
    }
    let responses = try await client.reduceFn(request: request) { response in
      var all: [Reduce_V1_ReduceResponse] = []
      for try await message in response.messages { all.append(message) }
      return all
    }
    return try checkedResults(responses, window: window)
  }

  /// The results of one window's stream, checked as numa would.
  static func checkedResults(_ responses: [Reduce_V1_ReduceResponse], window: Window) throws
    -> [NumaflowReducer.Message]
  {
    guard let last = responses.last, last.eof else {
      throw ProtocolViolation("the stream for window \(window) ended without an EOF")
    }
    guard responses.dropLast().allSatisfy({ !$0.eof }) else {
      throw ProtocolViolation("the stream for window \(window) sent more than one EOF, or results after it")
    }
    for response in responses
    where Window(wireStart: response.window.start, wireEnd: response.window.end) != window
      || !response.window.hasStart || !response.window.hasEnd
    {
      throw ProtocolViolation("a response on the stream for window \(window) carries the window \(response.window)")
    }
    return responses.dropLast().map { NumaflowReducer.Message($0.result) }
  }

  private func withReduceClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Reduce_V1_Reduce.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Reduce_V1_Reduce.Client(wrapping: $0) }, inProcess: { Reduce_V1_Reduce.Client(wrapping: $0) },
      body)
  }
}

extension Datum {
  /// The request numa would send for this datum on `window`'s stream.
  package func reduceRequest(
    window: Window, event: Reduce_V1_ReduceRequest.WindowOperation.Event
  ) -> Reduce_V1_ReduceRequest {
    var request = Reduce_V1_ReduceRequest()
    request.payload = payload()
    request.operation.event = event
    var wire = Reduce_V1_Window()
    wire.start = window.wireStart
    wire.end = window.wireEnd
    wire.slot = "0"
    request.operation.windows = [wire]
    return request
  }
}

extension ReduceServer: TestableServer {
  public typealias TestClient = ReduceTestClient
}

extension ReduceStreamServer: TestableServer {
  public typealias TestClient = ReduceTestClient
}
