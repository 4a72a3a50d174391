import GRPCCore
import GRPCProtobuf

/// A user handler failed: it threw, answered wrongly, or the worker process running it died.
///
/// The server ends the RPC with this as gRPC `INTERNAL`, persists it for numa's UI, shuts down
/// and exits non-zero, as every Numaflow SDK does; numa then re-drives the unanswered messages.
/// ``code`` says which kind of failure it is, so tests and code that runs the server as a
/// `Service` can match on it:
///
/// ```swift
/// do {
///   try await MapServer(mapper: Flaky()).run()
/// } catch let failure as UDFFailure where failure.code == .handlerError {
///   // numa has it, and the Numaflow UI shows it
/// }
/// ```
public struct UDFFailure: Error, Sendable, CustomStringConvertible {
  /// What kind of failure it is. A struct with static members rather than an enum, so that
  /// codes can be added without breaking anyone's `switch`.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, such as `handler-error`.
    public let name: String

    init(name: String) { self.name = name }

    public var description: String { name }

    /// The handler threw an error.
    public static let handlerError = Code(name: "handler-error")
    /// The handler's answers broke the protocol: a batch answered with a missing, repeated or
    /// unknown id, or more messages than were asked for.
    public static let wrongAnswer = Code(name: "wrong-answer")
    /// A worker process died, closed its connection or never started (multiprocess mode).
    public static let workerDied = Code(name: "worker-died")
  }

  /// Which kind of failure it is.
  public let code: Code
  /// `UDF_EXECUTION_ERROR(<container type>): <what happened>`: the gRPC status message.
  public let message: String
  /// Longer detail (error type, request ids): the status's `google.rpc.DebugInfo`.
  public let details: String

  package init(code: Code, containerType: String, summary: String, details: String) {
    self.code = code
    self.message = "UDF_EXECUTION_ERROR(\(containerType)): \(summary)"
    self.details = details
  }

  /// A failure for an error a handler threw while handling `subject` ("request 'x'", or a
  /// batch from ``describe(batch:)``).
  package init(containerType: String, handler: String, subject: String, error: any Error) {
    if let failure = error as? UDFFailure {
      self = failure
      return
    }
    let code: Code
    let description: String
    let detail: String
    if let remote = error as? WorkerError {
      // Thrown in (or by the death of) a worker process: it already says what and where.
      (code, description, detail) = (remote.died ? .workerDied : .handlerError, remote.summary, remote.details)
    } else {
      (code, description, detail) = (.handlerError, String(reflecting: error), "error type: \(type(of: error))")
    }
    self.init(
      code: code,
      containerType: containerType,
      summary: "\(handler) failed for \(subject): \(description)",
      details: "handler: \(handler)\nfailed on: \(subject)\nerror: \(description)\n\(detail)"
    )
  }

  /// "request 'x'".
  package static func describe(request id: String) -> String { "request '\(id)'" }

  /// "a batch of 3 requests ('a', 'b', 'c')", shortened after ten ids.
  package static func describe(batch ids: [String]) -> String {
    "a batch of \(ids.count) request\(ids.count == 1 ? "" : "s") (\(list(ids)))"
  }

  /// "'a', 'b', 'c'", shortened after ten ids.
  package static func list(_ ids: [String]) -> String {
    ids.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
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
