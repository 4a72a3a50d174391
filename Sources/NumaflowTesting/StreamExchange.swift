import Foundation
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2Posix
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// What came back on one bidirectional stream.
package struct StreamOutcome<Response: Sendable>: Sendable {
  /// Every message the server sent, in order (the handshake reply first).
  package var responses: [Response]
  /// The status the stream ended with, when not OK.
  package var error: RPCError?
}

/// Opens one bidirectional stream on a generated client: the kind-specific method call.
package typealias OpenStream<Request: Sendable, Response: Sendable> =
  @Sendable (
    StreamingClientRequest<Request>,
    @Sendable @escaping (StreamingClientResponse<Response>) async throws -> StreamOutcome<Response>
  ) async throws -> StreamOutcome<Response>

/// Sends `requests` exactly as given, runs `afterSending` once they are sent and the server has
/// answered the first (so the stream is surely accepted), keeps the stream open until `count`
/// responses that `counting` accepts arrived (or the server ended it), then half-closes and collects the rest, as numa
/// does at shutdown. Fails after `timeout` rather than hang.
package func exchange<Request: Sendable, Response: Sendable>(
  _ requests: [Request],
  awaitingResponses count: Int,
  counting: @escaping @Sendable (Response) -> Bool = { _ in true },
  timeout: Duration,
  afterSending: @escaping @Sendable () async -> Void,
  open: @escaping OpenStream<Request, Response>
) async throws -> StreamOutcome<Response> {
  try await withTimeout(timeout) {
    let enough = OneShotEvent()
    let answered = OneShotEvent()
    let request = StreamingClientRequest<Request> { writer in
      for request in requests {
        do { try await writer.write(request) } catch { break }
      }
      await answered.wait()
      await afterSending()
      await enough.wait()
    }
    return try await open(request) { response in
      var received: [Response] = []
      var counted = 0
      defer {
        answered.signal()
        enough.signal()
      }
      do {
        for try await message in response.messages {
          received.append(message)
          answered.signal()
          if counting(message) { counted += 1 }
          if counted >= count { enough.signal() }
        }
        return StreamOutcome(responses: received, error: nil)
      } catch let error as RPCError {
        return StreamOutcome(responses: received, error: error)
      }
    }
  }
}

/// Keeps `window` requests in flight after `handshake` until `total` have been answered
/// (`isAnswer` picks the responses that count); returns how many answers came. For benchmarks.
package func drive<Request: Sendable, Response: Sendable>(
  handshake: Request,
  total: Int,
  window: Int,
  makeRequest: @escaping @Sendable (Int) -> Request,
  isAnswer: @escaping @Sendable (Response) -> Bool,
  open: @escaping OpenStream<Request, Response>
) async throws -> Int {
  let credits = AsyncSemaphore(permits: window)
  let done = OneShotEvent()
  let request = StreamingClientRequest<Request> { writer in
    try await writer.write(handshake)
    var sent = 0
    while sent < total {
      // As numa does, send as many as the window allows at once, in one write.
      let granted = await credits.acquire(upTo: total - sent)
      try await writer.write(contentsOf: (sent..<sent + granted).map(makeRequest))
      sent += granted
    }
    await done.wait()
  }
  let outcome = try await open(request) { response in
    var answered = 0
    defer { done.signal() }
    for try await message in response.messages where isAnswer(message) {
      answered += 1
      credits.release()
      // Half-close and let the server end the stream, as numa does at shutdown; leaving
      // early would cancel the RPC, which some servers take for a shutdown.
      if answered == total { done.signal() }
    }
    return StreamOutcome(
      responses: [],
      error: answered == total ? nil : RPCError(code: .dataLoss, message: "\(answered) of \(total) answered"))
  }
  if let error = outcome.error { throw error }
  return total
}

/// Where a test client's server is: served in this process for the duration of each call, or
/// a running server on a Unix socket.
package enum TestTarget<Request: Sendable, Response: Sendable>: Sendable {
  case server(UDFServer<Request, Response>, runtimeDirectory: String?)
  case socket(String)

  /// Runs `body` with a generated client for the target; `wrap` makes that client from a
  /// gRPC client over either transport.
  package func withClient<Client: Sendable, Result: Sendable>(
    overSocket: @escaping @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) -> Client,
    inProcess: @escaping @Sendable (GRPCClient<InProcessTransport.Client>) -> Client,
    _ body: @Sendable @escaping (Client) async throws -> Result
  ) async throws -> Result {
    switch self {
    case .socket(let path):
      return try await withUnixSocketClient(path: path) { try await body(overSocket($0)) }
    case .server(let server, let runtimeDirectory):
      var configuration = server.configuration
      guard configuration.mode != .multiprocess else {
        throw ConfigurationError("multiprocess mode needs a real server process: run it and connect through its socket")
      }
      configuration.runtimeDirectory = try runtimeDirectory ?? makeTemporaryDirectory(prefix: "numaflow-runtime")
      let lifecycle = ServerLifecycle(configuration: configuration)
      return try await withResult { result in
        try await server.withRequestHandler(lifecycle: lifecycle) { handler in
          let service = server.makeService(handler, lifecycle)
          result.set(try await withInProcessServer(service: service) { try await body(inProcess($0)) })
        }
      }
    }
  }
}

extension TestTarget {
  /// Runs `body` with a `map.v1.Map` client for the target: unary, stream and batch map all
  /// speak that service.
  package func withMapClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Map_V1_Map.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await withClient(
      overSocket: { Map_V1_Map.Client(wrapping: $0) },
      inProcess: { Map_V1_Map.Client(wrapping: $0) },
      body
    )
  }

  /// Sends `requests` exactly as given on one `MapFn` stream (see ``exchange(_:awaitingResponses:counting:timeout:afterSending:open:)``).
  package func exchangeOnMap(
    _ requests: [Map_V1_MapRequest],
    awaitingResponses count: Int,
    counting: @escaping @Sendable (Map_V1_MapResponse) -> Bool = { _ in true },
    timeout: Duration,
    afterSending: @escaping @Sendable () async -> Void
  ) async throws -> StreamOutcome<Map_V1_MapResponse> {
    try await withMapClient { client in
      try await exchange(
        requests, awaitingResponses: count, counting: counting, timeout: timeout, afterSending: afterSending
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
