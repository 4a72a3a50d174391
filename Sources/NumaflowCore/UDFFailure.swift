import GRPCCore
import GRPCProtobuf

/// A user handler failed (it threw, or the worker process running it died).
///
/// The server ends the RPC with this as gRPC `INTERNAL`, persists it for numa's UI, shuts down
/// and exits non-zero, as every Numaflow SDK does; numa then re-drives the unanswered messages.
public struct UDFFailure: Error, Sendable, CustomStringConvertible {
  /// `UDF_EXECUTION_ERROR(<container type>): <what happened>`: the gRPC status message.
  public let message: String
  /// Longer detail (error type, request ids): the status's `google.rpc.DebugInfo`.
  public let details: String

  package init(containerType: String, summary: String, details: String) {
    self.message = "UDF_EXECUTION_ERROR(\(containerType)): \(summary)"
    self.details = details
  }

  /// A failure for an error a handler threw while handling `requestID`.
  package init(containerType: String, handler: String, requestID: String, error: any Error) {
    self.init(containerType: containerType, handler: handler, subject: "request '\(requestID)'", error: error)
  }

  /// A failure for an error a handler threw while handling a batch of requests.
  package init(containerType: String, handler: String, batch ids: [String], error: any Error) {
    self.init(containerType: containerType, handler: handler, subject: Self.describe(batch: ids), error: error)
  }

  /// "a batch of 3 requests ('a', 'b', 'c')", shortened after ten ids.
  package static func describe(batch ids: [String]) -> String {
    let shown = ids.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
    let more = ids.count > 10 ? ", …" : ""
    return "a batch of \(ids.count) request\(ids.count == 1 ? "" : "s") (\(shown)\(more))"
  }

  private init(containerType: String, handler: String, subject: String, error: any Error) {
    if let failure = error as? UDFFailure {
      self = failure
      return
    }
    let description: String
    let detail: String
    if let remote = error as? WorkerError {
      // Thrown in (or by the death of) a worker process: it already says what and where.
      description = remote.summary
      detail = remote.details
    } else {
      description = String(reflecting: error)
      detail = "error type: \(String(reflecting: type(of: error)))"
    }
    self.init(
      containerType: containerType,
      summary: "\(handler) failed for \(subject): \(description)",
      details: "handler: \(handler)\nfailed on: \(subject)\nerror: \(description)\n\(detail)"
    )
  }

  public var description: String { message }

  /// The status sent to numa: INTERNAL, the message, and a DebugInfo detail in
  /// `grpc-status-details-bin`.
  package var rpcError: RPCError {
    RPCError(GoogleRPCStatus(code: .internalError, message: message, details: .debugInfo(stack: [], detail: details)))
  }
}

extension RPCError {
  package init(_ status: GoogleRPCStatus) {
    self.init(code: status.code, message: status.message, metadata: status.rpcErrorMetadata)
  }
}
