import Foundation
import GRPCCore
import NumaflowCore
import NumaflowMapStreamer
import NumaflowMapper
import NumaflowProtos

/// Talks to a stream map UDF the way numa does: a `MapFn` stream with a handshake and many
/// requests in flight, each answered by any number of outputs and then an EOT with its id.
///
/// ```swift
/// let client = MapStreamTestClient(server: MapStreamServer(mapStreamer: Split()))
/// #expect(try await client.mapStream(Datum(value: Data("a,b".utf8))) == [Message("a"), Message("b")])
/// ```
public struct MapStreamTestClient: TestClient {
  public typealias Server = MapStreamServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await target.mapIsReady()
  }

  /// Streams one datum and returns its outputs, in the order they were written.
  public func mapStream(_ datum: Datum) async throws -> [NumaflowMapper.Message] {
    try await mapStream([datum])[0]
  }

  /// Streams all `datums` on one stream, all in flight at once; returns each one's outputs in
  /// the order written, in input order.
  /// - Throws: `RPCError` with the server's status when the stream fails, or
  ///   ``ProtocolViolation`` when an output follows its request's EOT or an EOT is missing.
  public func mapStream(_ datums: [Datum]) async throws -> [[NumaflowMapper.Message]] {
    let requests = [.handshakeRequest] + datums.enumerated().map { $1.mapRequest(id: "request-\($0)") }
    let outcome = try await exchange(requests, awaitingEndsOfOutput: datums.count)
    if let error = outcome.error { throw error }
    var outputs = [[NumaflowMapper.Message]](repeating: [], count: datums.count)
    var ended = Set<Int>()
    for response in outcome.responses.dropFirst() {
      guard let index = requestIndex(response.id, count: datums.count) else {
        throw ProtocolViolation("the server answered an id it was never sent: '\(response.id)'")
      }
      guard !ended.contains(index) else { throw ProtocolViolation("an output for '\(response.id)' followed its EOT") }
      if response.hasStatus && response.status.eot {
        ended.insert(index)
      } else {
        outputs[index] += response.results.map(NumaflowMapper.Message.init)
      }
    }
    guard ended.count == datums.count else {
      throw ProtocolViolation("\(datums.count - ended.count) request(s) got no EOT")
    }
    return outputs
  }

  /// Sends `requests` exactly as given and waits for `count` EOTs (see `exchange` in
  /// `StreamExchange.swift`).
  package func exchange(
    _ requests: [Map_V1_MapRequest],
    awaitingEndsOfOutput count: Int,
    timeout: Duration = .seconds(120),
    afterResponses: Int = 1,
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> StreamOutcome<Map_V1_MapResponse> {
    try await target.exchangeOnMap(
      requests, awaitingResponses: count, counting: \.isEndOfOutputs, timeout: timeout, afterResponses: afterResponses,
      afterSending: afterSending)
  }

  /// Keeps `window` requests in flight until `total` have ended with their EOT. For benchmarks.
  package func drive(total: Int, window: Int, makeRequest: @escaping @Sendable (Int) -> Map_V1_MapRequest)
    async throws -> Int
  {
    try await target.driveMap(total: total, window: window, isAnswer: \.isEndOfOutputs, makeRequest: makeRequest)
  }
}

extension Map_V1_MapResponse {
  /// Whether this is the EOT that ends one request's outputs (stream map) or a batch (batch map).
  var isEndOfOutputs: Bool { hasStatus && status.eot }
}

extension MapStreamServer: TestableServer {
  public typealias TestClient = MapStreamTestClient
}
