/// How a kind's bidirectional stream looks to the shared stream loops
/// (``serveOneResponsePerRequest(requests:outbound:shape:handler:lifecycle:)``,
/// ``serveBatches(requests:outbound:shape:batch:handler:lifecycle:)``).
package struct StreamShape<Request: Sendable, Response: Sendable>: Sendable {
  /// What a request on the stream is.
  package enum Kind: Sendable {
    case handshake(sot: Bool)
    case request(id: String)
    /// The end of a batch (EOT), on streams that come in batches.
    case endOfBatch
    /// A request that cannot be handled: `problem` says why.
    case invalid(id: String, problem: String)
  }

  /// The RPC's name for error messages ("MapFn").
  package var rpc: String
  package var classify: @Sendable (Request) -> Kind
  /// The reply to the client's handshake, which must come first; `nil` on streams that have
  /// no handshake (reduce).
  package var handshakeResponse: Response?
  /// The payload bytes a response carries, for pacing (``OutboundQueue``).
  package var cost: @Sendable (Response) -> Int
  /// How many answers a response carries, for the outbound bound (``OutboundQueue``): one,
  /// or a sink response's results.
  package var weight: @Sendable (Response) -> Int
  /// How many requests may be in the handler at once; `nil` for the configuration's
  /// ``ServerConfiguration/maxConcurrentRequests``. An ordered stream (a source's AckFn) has 1.
  package var maxInFlight: Int?

  package init(
    rpc: String,
    classify: @escaping @Sendable (Request) -> Kind,
    handshakeResponse: Response?,
    cost: @escaping @Sendable (Response) -> Int,
    weight: @escaping @Sendable (Response) -> Int = { _ in 1 },
    maxInFlight: Int? = nil
  ) {
    self.rpc = rpc
    self.classify = classify
    self.handshakeResponse = handshakeResponse
    self.cost = cost
    self.weight = weight
    self.maxInFlight = maxInFlight
  }
}
