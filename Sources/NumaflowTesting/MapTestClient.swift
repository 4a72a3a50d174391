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
  private enum Target: Sendable {
    case server(MapServer, runtimeDirectory: String?)
    case socket(String)
  }

  private let target: Target

  /// A client for `server`, served in this process for the duration of each call. Server
  /// modes `async` and `sync` are supported (multiprocess needs a real process: use a socket).
  /// A UDF failure is persisted under `runtimeDirectory` (a temporary directory by default).
  public init(server: MapServer, runtimeDirectory: String? = nil) {
    target = .server(server, runtimeDirectory: runtimeDirectory)
  }

  /// A client for a server listening on a Unix socket, such as `<dir>/map.sock`.
  public init(socketPath: String) {
    target = .socket(socketPath)
  }

  /// Asks IsReady, as numa's health checks do.
  public func isReady() async throws -> Bool {
    try await withMapClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
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
    var outputs = [[NumaflowMapper.Message]?](repeating: nil, count: datums.count)
    for response in outcome.responses.dropFirst() {
      guard response.id.hasPrefix("request-"), let index = Int(response.id.dropFirst("request-".count)),
        outputs.indices.contains(index)
      else {
        throw MapTestClientError("the server answered an id it was never sent: '\(response.id)'")
      }
      guard outputs[index] == nil else {
        throw MapTestClientError("the server answered id '\(response.id)' twice")
      }
      outputs[index] = response.results.map(NumaflowMapper.Message.init)
    }
    return try outputs.enumerated().map { index, messages in
      guard let messages else { throw MapTestClientError("the server never answered id 'request-\(index)'") }
      return messages
    }
  }

  /// The first message numa sends on a `MapFn` stream.
  package static var handshake: Map_V1_MapRequest {
    var request = Map_V1_MapRequest()
    request.handshake.sot = true
    return request
  }

  /// What came back on one `MapFn` stream.
  package struct Outcome: Sendable {
    /// Every message the server sent, in order (the handshake reply first).
    package var responses: [Map_V1_MapResponse]
    /// The status the stream ended with, when not OK.
    package var error: RPCError?
  }

  /// Sends `requests` exactly as given on one stream, runs `afterSending`, keeps the stream open
  /// until `count` responses arrived (or the server ended it), then half-closes and collects the
  /// rest. Fails after `timeout` rather than hang.
  package func exchange(
    _ requests: [Map_V1_MapRequest],
    awaitingResponses count: Int,
    timeout: Duration = .seconds(60),
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> Outcome {
    try await withTimeout(timeout) {
      try await withMapClient { client in
        let enough = OneShotEvent()
        let request = StreamingClientRequest<Map_V1_MapRequest> { writer in
          for request in requests {
            do { try await writer.write(request) } catch { break }
          }
          await afterSending()
          await enough.wait()
        }
        return try await client.mapFn(request: request) { response in
          var received: [Map_V1_MapResponse] = []
          defer { enough.signal() }
          do {
            for try await message in response.messages {
              received.append(message)
              if received.count >= count { enough.signal() }
            }
            return Outcome(responses: received, error: nil)
          } catch let error as RPCError {
            return Outcome(responses: received, error: error)
          }
        }
      }
    }
  }

  /// Keeps `window` requests in flight until `total` have been answered; `makeRequest(i)` builds
  /// the i-th. Returns the number of results received. For benchmarks.
  package func drive(
    total: Int,
    window: Int,
    makeRequest: @escaping @Sendable (Int) -> Map_V1_MapRequest
  ) async throws -> Int {
    try await withMapClient { client in
      let credits = AsyncSemaphore(permits: window)
      let done = OneShotEvent()
      let request = StreamingClientRequest<Map_V1_MapRequest> { writer in
        try await writer.write(Self.handshake)
        for index in 0..<total {
          await credits.acquire()
          try await writer.write(makeRequest(index))
        }
        await done.wait()
      }
      return try await client.mapFn(request: request) { response in
        var answered = 0
        var results = 0
        defer { done.signal() }
        for try await message in response.messages where !message.hasHandshake {
          answered += 1
          results += message.results.count
          credits.release()
          // Half-close and let the server end the stream, as numa does at shutdown; leaving
          // early would cancel the RPC, which some servers take for a shutdown.
          if answered == total { done.signal() }
        }
        return results
      }
    }
  }

  private func withMapClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Map_V1_Map.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    switch target {
    case .socket(let path):
      return try await withUnixSocketClient(path: path) { try await body(Map_V1_Map.Client(wrapping: $0)) }
    case .server(let mapServer, let runtimeDirectory):
      var configuration = mapServer.server.configuration
      configuration.runtimeDirectory = try runtimeDirectory ?? makeTemporaryDirectory(prefix: "numaflow-runtime")
      let lifecycle = ServerLifecycle(configuration: configuration)
      let server = mapServer.server
      guard configuration.mode != .multiprocess else {
        throw ConfigurationError("multiprocess mode needs a real server process: run it and use MapTestClient(socketPath:)")
      }
      return try await withResult { result in
        try await server.withRequestHandler(lifecycle: lifecycle) { handler in
          let service = server.makeService(handler, lifecycle)
          result.set(try await withInProcessServer(service: service) { try await body(Map_V1_Map.Client(wrapping: $0)) })
        }
      }
    }
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
