import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowServingStore
import SwiftProtobuf

/// Calls a serving store the way numa does: `Put` from the sink side, once per result, and
/// `Get` from the serving server.
///
/// ```swift
/// let client = ServingStoreTestClient(server: ServingStoreServer(servingStore: InMemoryServingStore()))
/// try await client.withConnection { client in
///   try await client.put(id: "r1", payloads: [Payload(origin: "out", value: Data("a".utf8))])
///   #expect(try await client.get(id: "r1").map(\.value) == [Data("a".utf8)])
/// }
/// ```
public struct ServingStoreTestClient: TestClient {
  public typealias Server = ServingStoreServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withStoreClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// Stores `payloads` for `id`, as numa's sink does for a `serve` response.
  /// - Throws: `RPCError` when the store failed, or ``ProtocolViolation`` when it answered
  ///   `success: false`.
  public func put(id: String, payloads: [Payload]) async throws {
    var put = Serving_V1_PutRequest()
    put.id = id
    put.payloads = payloads.map(\.proto)
    let request = put
    let success = try await withStoreClient { client in
      try await client.put(request: ClientRequest(message: request)) { try $0.message.success }
    }
    guard success else { throw ProtocolViolation("the store answered success=false to the put for '\(id)'") }
  }

  /// What is stored for `id`, as numa's serving server asks for it.
  public func get(id: String) async throws -> [Payload] {
    var get = Serving_V1_GetRequest()
    get.id = id
    let request = get
    return try await withStoreClient { client in
      try await client.get(request: ClientRequest(message: request)) { try $0.message.payloads.map(Payload.init) }
    }
  }

  private func withStoreClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Serving_V1_ServingStore.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Serving_V1_ServingStore.Client(wrapping: $0) },
      inProcess: { Serving_V1_ServingStore.Client(wrapping: $0) }, body)
  }
}

extension ServingStoreServer: TestableServer {
  public typealias TestClient = ServingStoreTestClient
}
