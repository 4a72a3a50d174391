import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowSideInput
import SwiftProtobuf

/// Calls a side-input retriever the way numa's side-input manager does: `RetrieveSideInput`
/// at start and on each tick of the trigger's schedule.
///
/// ```swift
/// let client = SideInputTestClient(server: SideInputServer(sideInputRetriever: Ticker()))
/// #expect(try await client.retrieve() == .broadcast(Data("tick 1".utf8)))
/// ```
public struct SideInputTestClient: TestClient {
  public typealias Server = SideInputServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withSideInputClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// One call of the retriever.
  /// - Throws: `RPCError` with the server's status when the retriever failed.
  public func retrieve() async throws -> SideInputValue {
    try await withSideInputClient { client in
      try await client.retrieveSideInput(request: ClientRequest(message: Google_Protobuf_Empty())) {
        SideInputValue(try $0.message)
      }
    }
  }

  private func withSideInputClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Sideinput_V1_SideInput.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Sideinput_V1_SideInput.Client(wrapping: $0) },
      inProcess: { Sideinput_V1_SideInput.Client(wrapping: $0) }, body)
  }
}

extension SideInputServer: TestableServer {
  public typealias TestClient = SideInputTestClient
}
