import Foundation
import GRPCCore
import NumaflowCore
import NumaflowMapper
import NumaflowProtos

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
public struct MapTestClient: TestClient {
  public typealias Server = MapServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

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
  ///   code `internalError` and a message starting `UDF_EXECUTION_ERROR`), or
  ///   ``ProtocolViolation`` when an id is answered twice, never, or was never sent.
  public func map(_ datums: [Datum]) async throws -> [[NumaflowMapper.Message]] {
    let requests = [.handshakeRequest] + datums.enumerated().map { $1.mapRequest(id: "request-\($0)") }
    let outcome = try await exchange(requests, awaitingResponses: datums.count + 1)
    if let error = outcome.error { throw error }
    return try answersInOrder(outcome.responses.dropFirst(), count: datums.count, id: \.id) {
      $0.results.map(NumaflowMapper.Message.init)
    }
  }

  /// Sends `requests` exactly as given on one `MapFn` stream (see `exchange` in
  /// `StreamExchange.swift`).
  package func exchange(
    _ requests: [Map_V1_MapRequest],
    awaitingResponses count: Int,
    timeout: Duration = .seconds(60),
    afterResponses: Int = 1,
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> StreamOutcome<Map_V1_MapResponse> {
    try await target.exchangeOnMap(
      requests, awaitingResponses: count, timeout: timeout, afterResponses: afterResponses,
      afterSending: afterSending)
  }

  /// Keeps `window` requests in flight until `total` have been answered. For benchmarks.
  package func drive(total: Int, window: Int, makeRequest: @escaping @Sendable (Int) -> Map_V1_MapRequest)
    async throws -> Int
  {
    try await target.driveMap(total: total, window: window, isAnswer: { !$0.hasHandshake }, makeRequest: makeRequest)
  }
}

extension MapServer: TestableServer {
  public typealias TestClient = MapTestClient
}
