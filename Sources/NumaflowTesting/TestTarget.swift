import Foundation
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2Posix
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Where a test client's server is: served in this process for the duration of each call, or
/// a running server on a Unix socket.
package enum TestTarget: Sendable {
  case host(ServerHost, runtimeDirectory: String?)
  case socket(String)
  /// A host already serving in this process, within ``withConnection(_:)``.
  case connected(GRPCClient<InProcessTransport.Client>)
  /// One connection to a socket, within ``withConnection(_:)``: every call shares it, as numa's do.
  case connectedSocket(GRPCClient<HTTP2ClientTransport.Posix>)

  /// A target for `server`, served in this process; a UDF failure is persisted under
  /// `runtimeDirectory` (a temporary directory by default).
  package init(_ server: some NumaflowServer, runtimeDirectory: String?) {
    self = .host(server.host, runtimeDirectory: runtimeDirectory)
  }

  /// Runs `body` with a generated client for the target; `overSocket` and `inProcess` make
  /// that client from a gRPC client over either transport.
  package func withClient<Client: Sendable, Result: Sendable>(
    overSocket: @escaping @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) -> Client,
    inProcess: @escaping @Sendable (GRPCClient<InProcessTransport.Client>) -> Client,
    _ body: @Sendable @escaping (Client) async throws -> Result
  ) async throws -> Result {
    switch self {
    case .socket(let path):
      return try await withUnixSocketClient(path: path) { try await body(overSocket($0)) }
    case .connected(let client):
      return try await body(inProcess(client))
    case .connectedSocket(let client):
      return try await body(overSocket(client))
    case .host:
      return try await withConnection { try await $0.withClient(overSocket: overSocket, inProcess: inProcess, body) }
    }
  }

  /// Runs `body` with a target whose calls all reach one run of the server: for a host, it
  /// is served in this process until `body` returns (so state the host keeps, such as a
  /// published sequence's, lasts from one call to the next); for a socket, every call goes over
  /// one connection.
  package func withConnection<Result: Sendable>(
    _ body: @Sendable @escaping (TestTarget) async throws -> Result
  ) async throws -> Result {
    if case .socket(let path) = self {
      return try await withUnixSocketClient(path: path) { try await body(.connectedSocket($0)) }
    }
    guard case .host(let host, let runtimeDirectory) = self else { return try await body(self) }
    guard host.worker == nil else {
      throw ConfigurationError(
        .needsProcess, "multiprocess mode needs a real server process: run it and connect through its socket")
    }
    var configuration = host.configuration
    configuration.runtimeDirectory = try runtimeDirectory ?? makeTemporaryDirectory(prefix: "numaflow-runtime")
    let lifecycle = ServerLifecycle(configuration: configuration, telemetry: host.currentTelemetry)
    return try await withResult { result in
      try await host.withServices(lifecycle) { services in
        result.set(try await withInProcessServer(services: services) { try await body(.connected($0)) })
      }
    }
  }

  /// Runs `body` with a `map.v1.Map` client: unary, stream and batch map all speak that service.
  package func withMapClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Map_V1_Map.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await withClient(
      overSocket: { Map_V1_Map.Client(wrapping: $0) }, inProcess: { Map_V1_Map.Client(wrapping: $0) }, body)
  }

  /// Runs `body` with a `sourcetransformer.v1.SourceTransform` client.
  package func withTransformClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Sourcetransformer_V1_SourceTransform.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await withClient(
      overSocket: { Sourcetransformer_V1_SourceTransform.Client(wrapping: $0) },
      inProcess: { Sourcetransformer_V1_SourceTransform.Client(wrapping: $0) },
      body
    )
  }

  /// Sends `requests` exactly as given on one `MapFn` stream (see `exchange` in
  /// `StreamExchange.swift`).
  package func exchangeOnMap(
    _ requests: [Map_V1_MapRequest],
    awaitingResponses count: Int,
    counting: @escaping @Sendable (Map_V1_MapResponse) -> Bool = { _ in true },
    timeout: Duration,
    afterResponses: Int = 1,
    afterSending: @escaping @Sendable () async -> Void
  ) async throws -> StreamOutcome<Map_V1_MapResponse> {
    try await withMapClient { client in
      try await exchange(
        requests, awaitingResponses: count, counting: counting, timeout: timeout, afterResponses: afterResponses,
        afterSending: afterSending
      ) { try await client.mapFn(request: $0, onResponse: $1) }
    }
  }

  /// Keeps `window` requests in flight on one `MapFn` stream until `total` are answered.
  package func driveMap(
    total: Int,
    window: Int,
    isAnswer: @escaping @Sendable (Map_V1_MapResponse) -> Bool,
    makeRequest: @escaping @Sendable (Int) -> Map_V1_MapRequest
  ) async throws -> Int {
    try await withMapClient { client in
      try await drive(
        handshake: .handshakeRequest, total: total, window: window, makeRequest: makeRequest, isAnswer: isAnswer
      ) { try await client.mapFn(request: $0, onResponse: $1) }
    }
  }

  /// Asks a map server's IsReady, as numa's health checks do.
  package func mapIsReady() async throws -> Bool {
    try await withMapClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }
}

extension Map_V1_MapRequest {
  /// The first message numa sends on a `MapFn` stream.
  package static var handshakeRequest: Self {
    var request = Self()
    request.handshake.sot = true
    return request
  }

  /// The message that closes a batch.
  package static var endOfBatch: Self {
    var request = Self()
    request.status.eot = true
    return request
  }
}

extension Sourcetransformer_V1_SourceTransformRequest {
  /// The first message numa sends on a `SourceTransformFn` stream.
  package static var handshakeRequest: Self {
    var request = Self()
    request.handshake.sot = true
    return request
  }
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
