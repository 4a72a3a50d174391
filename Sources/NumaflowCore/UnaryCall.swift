import GRPCCore

/// Answers a unary RPC (a source's NackFn, PendingFn, PartitionsFn; a side-input retriever)
/// with what `body` returns. An error `body` throws is the handler's: it becomes a
/// ``UDFFailure`` for the server, as on every stream, and the RPC ends with its status. A call
/// the client cancelled is not the handler's fault.
package func answerUnary<Response: Sendable>(
  rpc: String,
  handlerName: String,
  lifecycle: ServerLifecycle,
  body: () async throws -> Response
) async throws -> Response {
  do {
    return try await body()
  } catch {
    if Task.isCancelled { throw error }
    let failure = UDFFailure(
      containerType: lifecycle.configuration.udContainerType, handler: handlerName, subject: rpc, error: error)
    lifecycle.recordFailure(failure)
    throw failure.rpcError
  }
}
