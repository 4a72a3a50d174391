import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowSinker
import SwiftProtobuf

/// Talks to a sink UDF the way numa does: a `SinkFn` stream with a handshake, then batches of
/// requests each closed by an EOT, answered with one result per id and then an EOT.
///
/// The client names the datums it sends `request-0`, `request-1`, … in the order given
/// (counting on across batches), and returns each datum's `Response` in that
/// order:
///
/// ```swift
/// let client = SinkTestClient(server: SinkServer(sinker: Log()))
/// let responses = try await client.sink(.fixtures("a", "b"))
/// #expect(responses.map(\.status) == [.ok, .ok])
/// ```
public struct SinkTestClient: TestClient {
  public typealias Server = SinkServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withSinkClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// Sends `datums` as one batch and returns each one's response, in input order.
  /// - Throws: `RPCError` with the server's status when the stream fails, or
  ///   ``ProtocolViolation`` when the batch was answered wrongly or not closed by an EOT.
  public func sink(_ datums: [Datum]) async throws -> [NumaflowSinker.Response] {
    try await sink(batches: [datums]).first ?? []
  }

  /// Sends each batch on one stream, the next only after the previous one's EOT, as numa does,
  /// and returns each batch's responses in input order.
  public func sink(batches: [[Datum]]) async throws -> [[NumaflowSinker.Response]] {
    try await withSinkClient { client in
      try await converse(opening: .handshakeRequest, open: { try await client.sinkFn(request: $0, onResponse: $1) }) {
        stream in
        guard let first = try await stream.receive(), first.hasHandshake, first.handshake.sot else {
          throw ProtocolViolation("the server's first message was not a handshake with sot=true")
        }
        var answered: [[NumaflowSinker.Response]] = []
        var next = 0
        for datums in batches {
          let requests = datums.enumerated().map { $1.sinkRequest(id: "request-\(next + $0)") }
          for request in requests { stream.send(request) }
          stream.send(.endOfBatch)
          answered.append(try await Self.receiveBatch(from: stream, ids: requests.map(\.request.id)))
          next += datums.count
        }
        return answered
      }
    }
  }

  /// Reads one batch's results up to its EOT and orders them as `ids`.
  private static func receiveBatch(
    from stream: Conversation<Sink_V1_SinkRequest, Sink_V1_SinkResponse>, ids: [String]
  ) async throws -> [NumaflowSinker.Response] {
    var byID: [String: NumaflowSinker.Response] = [:]
    while true {
      guard let message = try await stream.receive() else {
        throw ProtocolViolation("the stream ended before the batch's EOT (\(byID.count) of \(ids.count) answered)")
      }
      if message.hasStatus && message.status.eot { break }
      for result in message.results {
        guard let response = NumaflowSinker.Response(result) else {
          throw ProtocolViolation("the server answered '\(result.id)' with an unknown status \(result.status.rawValue)")
        }
        guard byID.updateValue(response, forKey: result.id) == nil else {
          throw ProtocolViolation("the server answered id '\(result.id)' twice")
        }
      }
    }
    let unknown = Set(byID.keys).subtracting(ids)
    guard unknown.isEmpty else {
      throw ProtocolViolation("the server answered ids it was never sent: \(unknown.sorted())")
    }
    return try ids.map { id in
      guard let response = byID[id] else { throw ProtocolViolation("the server never answered id '\(id)'") }
      return response
    }
  }

  /// Sends `requests` exactly as given on one stream (see `exchange` in `StreamExchange.swift`).
  package func exchange(
    _ requests: [Sink_V1_SinkRequest],
    awaitingResponses count: Int,
    timeout: Duration = .seconds(60),
    afterResponses: Int = 1,
    afterSending: @escaping @Sendable () async -> Void = {}
  ) async throws -> StreamOutcome<Sink_V1_SinkResponse> {
    try await withSinkClient { client in
      try await NumaflowTesting.exchange(
        requests, awaitingResponses: count, timeout: timeout, afterResponses: afterResponses,
        afterSending: afterSending
      ) { try await client.sinkFn(request: $0, onResponse: $1) }
    }
  }

  /// Sends `total` requests in batches of `batchSize`, one batch at a time as numa does, and
  /// returns how many results came back. For benchmarks.
  package func drive(total: Int, batchSize: Int, makeRequest: @escaping @Sendable (Int) -> Sink_V1_SinkRequest)
    async throws -> Int
  {
    try await withSinkClient { client in
      try await driveBatches(
        handshake: .handshakeRequest, endOfBatch: .endOfBatch, total: total, batchSize: batchSize,
        makeRequest: makeRequest, isEndOfBatch: { $0.hasStatus && $0.status.eot }, answers: { $0.results.count }
      ) { try await client.sinkFn(request: $0, onResponse: $1) }
    }
  }

  private func withSinkClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Sink_V1_Sink.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Sink_V1_Sink.Client(wrapping: $0) }, inProcess: { Sink_V1_Sink.Client(wrapping: $0) }, body)
  }
}

extension Sink_V1_SinkRequest {
  /// The first message numa sends on a `SinkFn` stream.
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

extension SinkServer: TestableServer {
  public typealias TestClient = SinkTestClient
}
