import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowSourceTransformer
import SwiftProtobuf

/// Talks to a source transformer the way numa does: one `SourceTransformFn` stream with a
/// handshake, unique ids and many requests in flight, each answered by id.
///
/// ```swift
/// let client = SourceTransformTestClient(server: SourceTransformServer(sourceTransformer: EventTimeFilter()))
/// let outputs = try await client.transform(Datum(value: Data("x".utf8), eventTime: someDate))
/// ```
public struct SourceTransformTestClient: TestClient {
  public typealias Server = SourceTransformServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady, as numa does before every stream.
  public func isReady() async throws -> Bool {
    try await target.withTransformClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// Transforms one datum and returns its outputs.
  public func transform(_ datum: Datum) async throws -> [NumaflowSourceTransformer.Message] {
    try await transform([datum])[0]
  }

  /// Transforms all `datums` on one stream, all in flight at once; outputs in input order.
  /// - Throws: `RPCError` with the server's status when the stream fails, or
  ///   ``ProtocolViolation`` when an output lacks the event time numa requires.
  public func transform(_ datums: [Datum]) async throws -> [[NumaflowSourceTransformer.Message]] {
    let requests = [.handshakeRequest] + datums.enumerated().map { $1.transformRequest(id: "request-\($0)") }
    let outcome = try await exchange(requests, awaitingResponses: datums.count + 1)
    if let error = outcome.error { throw error }
    let responses = Array(outcome.responses.dropFirst())
    for response in responses where response.results.contains(where: { !$0.hasEventTime }) {
      throw ProtocolViolation("an output for '\(response.id)' has no event time: numa would stop on it")
    }
    return try answersInOrder(responses, count: datums.count, id: \.id) {
      $0.results.map(NumaflowSourceTransformer.Message.init)
    }
  }

  /// Sends `requests` exactly as given on one stream (see `exchange` in `StreamExchange.swift`).
  package func exchange(
    _ requests: [Sourcetransformer_V1_SourceTransformRequest],
    awaitingResponses count: Int,
    timeout: Duration = .seconds(60),
    afterResponses: Int = 1,
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> StreamOutcome<Sourcetransformer_V1_SourceTransformResponse> {
    try await target.withTransformClient { client in
      try await NumaflowTesting.exchange(
        requests, awaitingResponses: count, timeout: timeout, afterResponses: afterResponses,
        afterSending: afterSending
      ) {
        try await client.sourceTransformFn(request: $0, onResponse: $1)
      }
    }
  }

  /// Keeps `window` requests in flight until `total` have been answered. For benchmarks.
  package func drive(
    total: Int, window: Int, makeRequest: @escaping @Sendable (Int) -> Sourcetransformer_V1_SourceTransformRequest
  ) async throws -> Int {
    try await target.withTransformClient { client in
      try await NumaflowTesting.drive(
        handshake: .handshakeRequest, total: total, window: window, makeRequest: makeRequest,
        isAnswer: { !$0.hasHandshake }
      ) { try await client.sourceTransformFn(request: $0, onResponse: $1) }
    }
  }
}

extension SourceTransformServer: TestableServer {
  public typealias TestClient = SourceTransformTestClient
}
