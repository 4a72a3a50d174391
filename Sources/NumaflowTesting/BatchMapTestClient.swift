import Foundation
import GRPCCore
import NumaflowBatchMapper
import NumaflowCore
import NumaflowMapper
import NumaflowProtos

/// Talks to a batch map UDF the way numa does: a `MapFn` stream with a handshake, then batches
/// of requests each closed by an EOT, answered by id and then an EOT.
///
/// ```swift
/// let client = BatchMapTestClient(server: BatchMapServer(batchMapper: Flatmap()))
/// let outputs = try await client.mapBatch([Datum(value: Data("a,b".utf8))])
/// #expect(outputs == [[Message("a"), Message("b")]])
/// ```
public struct BatchMapTestClient: TestClient {
  public typealias Server = BatchMapServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await target.mapIsReady()
  }

  /// Sends `datums` as one batch and returns each one's outputs, in input order.
  /// - Throws: `RPCError` with the server's status when the stream fails, or
  ///   ``ProtocolViolation`` when the batch was not closed by an EOT or was answered wrongly.
  public func mapBatch(_ datums: [Datum]) async throws -> [[NumaflowMapper.Message]] {
    let requests = [.handshakeRequest] + datums.enumerated().map { $1.mapRequest(id: "request-\($0)") } + [.endOfBatch]
    let outcome = try await exchange(requests, awaitingResponses: datums.count + 2)
    if let error = outcome.error { throw error }
    guard let last = outcome.responses.last, last.isEndOfOutputs else {
      throw ProtocolViolation("the batch was not closed by an EOT response")
    }
    return try answersInOrder(outcome.responses.dropFirst().dropLast(), count: datums.count, id: \.id) {
      $0.results.map(NumaflowMapper.Message.init)
    }
  }

  /// Sends `requests` exactly as given on one stream (see `exchange` in `StreamExchange.swift`).
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

  /// Sends `total` requests in batches of `batchSize`, one batch at a time as numa does, and
  /// returns how many were answered. For benchmarks.
  package func drive(total: Int, batchSize: Int, makeRequest: @escaping @Sendable (Int) -> Map_V1_MapRequest)
    async throws -> Int
  {
    try await target.withMapClient { client in
      try await driveBatches(
        handshake: .handshakeRequest, endOfBatch: .endOfBatch, total: total, batchSize: batchSize,
        makeRequest: makeRequest, isEndOfBatch: \.isEndOfOutputs, answers: { $0.hasHandshake ? 0 : 1 }
      ) { try await client.mapFn(request: $0, onResponse: $1) }
    }
  }
}

extension BatchMapServer: TestableServer {
  public typealias TestClient = BatchMapTestClient
}
