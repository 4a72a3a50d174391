import GRPCCore

/// The statuses a stream ends with when the client misused it, or the server stopped. Every
/// stream loop ends with these, so numa and a person reading its log see the same words for the
/// same problem on every kind.
package enum StreamStatus {
  /// Said of what was read before the problem.
  static let aftermath = "requests read before it were answered; the rest were not processed and numa re-sends them."

  /// The first message was not a handshake.
  package static func missingHandshake(rpc: String, got: String) -> RPCError {
    RPCError(
      code: .failedPrecondition,
      message: "\(rpc): the first message must be a handshake with sot=true; got \(got). Nothing was processed."
    )
  }

  /// A second handshake arrived.
  package static func secondHandshake(rpc: String) -> RPCError {
    RPCError(
      code: .failedPrecondition,
      message: "\(rpc): a second handshake arrived on a stream that had already started; \(aftermath)"
    )
  }

  /// A request that cannot be handled.
  package static func invalidRequest(rpc: String, id: String, problem: String) -> RPCError {
    RPCError(code: .invalidArgument, message: "\(rpc): request '\(id)' is invalid: \(problem); \(aftermath)")
  }

  /// An end of batch (EOT) on a stream that does not come in batches.
  package static func unexpectedEndOfBatch(rpc: String) -> RPCError {
    RPCError(
      code: .invalidArgument,
      message: "\(rpc): an end of batch (EOT) arrived on a stream that does not come in batches; \(aftermath)"
    )
  }

  /// A message on the stream could not be read (it did not decode, or was over the size limit).
  package static func unreadable(rpc: String, _ error: any Error) -> RPCError {
    let reason = (error as? RPCError).map { "\($0.code): \($0.message)" } ?? String(describing: error)
    return RPCError(
      code: (error as? RPCError)?.code ?? .invalidArgument,
      message: "\(rpc): a message on the stream could not be read (\(reason)); \(aftermath)"
    )
  }

  /// The stream was still open when the shutdown grace period ended.
  package static func gracePeriodOver(rpc: String) -> RPCError {
    RPCError(
      code: .unavailable,
      message:
        "\(rpc): the server is shutting down and its grace period is over; unanswered requests must be sent again."
    )
  }

  /// What a request that is not the expected handshake was, for ``missingHandshake(rpc:got:)``.
  static func describe<Request, Response>(_ kind: StreamShape<Request, Response>.Kind) -> String {
    switch kind {
    case .handshake: "a handshake with sot=false"
    case .request(let id), .invalid(let id, _): "a request with id '\(id)'"
    case .endOfBatch: "an end of batch (EOT)"
    }
  }
}
