import GRPCCore
import NumaflowProtos
import SwiftProtobuf

/// Adapts the generated `sideinput.v1.SideInput` service to a retriever.
struct SideInputService: Sideinput_V1_SideInput.SimpleServiceProtocol {
  let handler: RequestHandler<Google_Protobuf_Empty, Sideinput_V1_SideInputResponse>
  let lifecycle: ServerLifecycle

  func retrieveSideInput(request: Google_Protobuf_Empty, context: ServerContext) async throws
    -> Sideinput_V1_SideInputResponse
  {
    try await answerUnary(rpc: "RetrieveSideInput", handlerName: handler.name, lifecycle: lifecycle) {
      let response = try await handler.call(request)
      guard response.value.count <= SideInputValue.maximumSize else {
        throw UDFFailure(
          code: .wrongAnswer, containerType: lifecycle.configuration.udContainerType,
          summary: "\(handler.name) returned a value of \(response.value.count) bytes; numa's side-input "
            + "client accepts at most \(SideInputValue.maximumSize) (a 4 MiB response), so it was not sent",
          details: "value size: \(response.value.count) bytes\nlimit: \(SideInputValue.maximumSize) bytes")
      }
      return response
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Sideinput_V1_ReadyResponse {
    .ready
  }

  static func handler(_ retriever: some SideInputRetriever)
    -> LocalHandler<Google_Protobuf_Empty, Sideinput_V1_SideInputResponse>
  {
    LocalHandler(name: "side input retriever") { _ async throws in try await retriever.retrieve().proto }
      .described(description)
  }

  static func handler(_ retriever: some SyncSideInputRetriever)
    -> LocalHandler<Google_Protobuf_Empty, Sideinput_V1_SideInputResponse>
  {
    LocalHandler(name: "side input retriever", sync: { _ in try retriever.retrieve().proto }).described(description)
  }

  /// No datum in; one value (or a no-broadcast) out.
  static let description = CallDescription<Google_Protobuf_Empty, Sideinput_V1_SideInputResponse>(
    datums: { _ in [] }, outputs: { _ in 1 })
}

extension Sideinput_V1_ReadyResponse: ReadyResponse {}
