import Foundation
import GRPCCore
import NumaflowCore
import NumaflowMapper
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Talks to a map UDF the way numa does: IsReady, then one `MapFn` stream with a handshake,
/// unique ids and many requests in flight, each answered by id.
///
/// Test a mapper in-process, with no socket and no cluster:
/// ```swift
/// import NumaflowTesting
/// import Testing
///
/// @Test func evenNumbersAreTagged() async throws {
///   let client = MapTestClient(server: MapServer(mapper: EvenOdd()))
///   let outputs = try await client.map(Datum(value: Data("2".utf8)))
///   #expect(outputs == [Message("2", keys: ["even"], tags: ["even-tag"])])
/// }
/// ```
/// or drive a running server binary over its Unix socket with `MapTestClient(socketPath:)`.
public struct MapTestClient: Sendable {
  private let target: TestTarget<Map_V1_MapRequest, Map_V1_MapResponse>

  /// A client for `server`, served in this process for the duration of each call. Server
  /// modes `async` and `sync` are supported (multiprocess needs a real process: use a socket).
  /// A UDF failure is persisted under `runtimeDirectory` (a temporary directory by default).
  public init(server: MapServer, runtimeDirectory: String? = nil) {
    target = .server(server.server, runtimeDirectory: runtimeDirectory)
  }

  /// A client for a server listening on a Unix socket, such as `<dir>/map.sock`.
  public init(socketPath: String) {
    target = .socket(socketPath)
  }

  /// Asks IsReady, as numa's health checks do.
  public func isReady() async throws -> Bool {
    try await target.mapIsReady()
  }

  /// Maps one datum and returns its outputs.
  public func map(_ datum: Datum) async throws -> [NumaflowMapper.Message] {
    try await map([datum])[0]
  }

  /// Maps all `datums` on one stream, all in flight at once; returns their outputs in input order.
  /// - Throws: `RPCError` with the server's status when the stream fails (for a UDF failure,
  ///   code `internalError` and a message starting `UDF_EXECUTION_ERROR`).
  public func map(_ datums: [Datum]) async throws -> [[NumaflowMapper.Message]] {
    let requests = [Self.handshake] + datums.enumerated().map { index, datum in datum.request(id: "request-\(index)") }
    let outcome = try await exchange(requests, awaitingResponses: datums.count + 1)
    if let error = outcome.error { throw error }
    return try answersInOrder(outcome.responses.dropFirst(), count: datums.count, id: \.id) {
      $0.results.map(NumaflowMapper.Message.init)
    }
  }

  /// The first message numa sends on a `MapFn` stream.
  package static var handshake: Map_V1_MapRequest {
    var request = Map_V1_MapRequest()
    request.handshake.sot = true
    return request
  }

  /// Sends `requests` exactly as given on one `MapFn` stream; see ``exchange(_:awaitingResponses:timeout:afterSending:open:)``.
  package func exchange(
    _ requests: [Map_V1_MapRequest],
    awaitingResponses count: Int,
    timeout: Duration = .seconds(60),
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> StreamOutcome<Map_V1_MapResponse> {
    try await target.exchangeOnMap(requests, awaitingResponses: count, timeout: timeout, afterSending: afterSending)
  }

  /// Keeps `window` requests in flight until `total` have been answered. For benchmarks.
  package func drive(
    total: Int,
    window: Int,
    makeRequest: @escaping @Sendable (Int) -> Map_V1_MapRequest
  ) async throws -> Int {
    try await target.withMapClient { client in
      try await NumaflowTesting.drive(
        handshake: Self.handshake, total: total, window: window, makeRequest: makeRequest,
        isAnswer: { !$0.hasHandshake }
      ) { try await client.mapFn(request: $0, onResponse: $1) }
    }
  }

}

/// Orders one-response-per-request answers by the `request-<i>` ids a test client gave out,
/// checking that each was answered exactly once.
func answersInOrder<Response, Output>(
  _ responses: some Sequence<Response>,
  count: Int,
  id: (Response) -> String,
  outputs: (Response) -> Output
) throws -> [Output] {
  var ordered = [Output?](repeating: nil, count: count)
  for response in responses {
    let responseID = id(response)
    guard responseID.hasPrefix("request-"), let index = Int(responseID.dropFirst("request-".count)),
      ordered.indices.contains(index)
    else {
      throw MapTestClientError("the server answered an id it was never sent: '\(responseID)'")
    }
    guard ordered[index] == nil else {
      throw MapTestClientError("the server answered id '\(responseID)' twice")
    }
    ordered[index] = outputs(response)
  }
  return try ordered.enumerated().map { index, output in
    guard let output else { throw MapTestClientError("the server never answered id 'request-\(index)'") }
    return output
  }
}

/// The test client saw something numa would not accept.
public struct MapTestClientError: Error, CustomStringConvertible, Sendable {
  public let description: String

  init(_ description: String) { self.description = description }
}

/// A box for a value produced inside a `Void`-returning scope.
final class ResultBox<Value: Sendable>: Sendable {
  private let value = Mutex<Value?>(nil)

  func set(_ newValue: Value) { value.withLock { $0 = newValue } }
  func get() -> Value? { value.withLock { $0 } }
}

func withResult<Value: Sendable>(_ body: (ResultBox<Value>) async throws -> Void) async throws -> Value {
  let box = ResultBox<Value>()
  try await body(box)
  guard let value = box.get() else { throw CancellationError() }
  return value
}

/// Runs `body`, failing with a clear error if it takes longer than `timeout`.
func withTimeout<Result: Sendable>(
  _ timeout: Duration,
  _ body: @Sendable @escaping () async throws -> Result
) async throws -> Result {
  try await withThrowingTaskGroup(of: Result?.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: timeout)
      return nil
    }
    defer { group.cancelAll() }
    guard let result = try await group.next()!, let value = result as Result? else {
      throw MapTestClientError("no answer within \(timeout)")
    }
    return value
  }
}
