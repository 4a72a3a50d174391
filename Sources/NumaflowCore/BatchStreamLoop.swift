import GRPCCore

/// How a kind's batch stream looks to ``serveBatches(requests:responses:shape:handler:lifecycle:)``.
package struct BatchShape<Request: Sendable, Response: Sendable>: Sendable {
  package enum Kind: Sendable {
    case handshake(sot: Bool)
    case request(id: String)
    /// The end of a batch (EOT).
    case endOfBatch
    case invalid(id: String, problem: String)
  }

  package var rpc: String
  package var classify: @Sendable (Request) -> Kind
  package var handshakeResponse: Response
  /// What the server sends after the last response of a batch.
  package var endOfBatchResponse: Response
  package var responseID: @Sendable (Response) -> String

  package init(
    rpc: String,
    classify: @escaping @Sendable (Request) -> Kind,
    handshakeResponse: Response,
    endOfBatchResponse: Response,
    responseID: @escaping @Sendable (Response) -> String
  ) {
    self.rpc = rpc
    self.classify = classify
    self.handshakeResponse = handshakeResponse
    self.endOfBatchResponse = endOfBatchResponse
    self.responseID = responseID
  }
}

/// Serves a stream that arrives in batches closed by an EOT (batch map): after the handshake,
/// collects each batch, hands it to the handler whole, checks that every request id got
/// exactly one response and no other id was answered, then sends the responses and an EOT.
///
/// Numa re-sends a batch whose responses are incomplete, forever, so a handler that forgets or
/// duplicates an id is a UDF failure here, named with the ids, rather than a silent loop there.
/// If the client half-closes after an unfinished batch, that batch is still answered.
package func serveBatches<Request: Sendable, Response: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  responses: RPCWriter<Response>,
  shape: BatchShape<Request, Response>,
  handler: RequestHandler<[Request], [Response]>,
  lifecycle: ServerLifecycle
) async throws {
  let containerType = lifecycle.configuration.udContainerType

  /// Runs one batch and writes its responses and EOT, or fails the stream.
  @Sendable func answer(_ batch: [Request], ids: [String]) async throws {
    let answers: [Response]
    do {
      answers = try await handler.call(batch)
    } catch {
      if Task.isCancelled { throw error }
      let failure = UDFFailure(containerType: containerType, handler: handler.name, batch: ids, error: error)
      lifecycle.recordFailure(failure)
      throw failure.rpcError
    }
    if let problem = mismatch(expected: ids, answered: answers.map(shape.responseID)) {
      let failure = UDFFailure(
        containerType: containerType,
        summary: "\(handler.name) answered \(UDFFailure.describe(batch: ids)) wrongly: \(problem); "
          + "every request id needs exactly one response (numa would re-send the batch forever)",
        details: "handler: \(handler.name)\nbatch ids: \(ids)\nproblem: \(problem)"
      )
      lifecycle.recordFailure(failure)
      throw failure.rpcError
    }
    // One write for the batch: one crossing to the event loop and one flush. The batch is
    // already in memory, and numa sends the next only after this EOT, so nothing piles up.
    try await responses.write(contentsOf: answers + CollectionOfOne(shape.endOfBatchResponse))
  }

  let finished = try await runUntil(lifecycle.forcedStop) {
    var iterator = requests.makeAsyncIterator()
    guard let first = try await iterator.next() else { return }
    guard case .handshake(sot: true) = shape.classify(first) else {
      throw missingHandshake(rpc: shape.rpc, got: "another message")
    }
    try await responses.write(shape.handshakeResponse)

    var batch: [Request] = []
    var ids: [String] = []
    while let request = try await iterator.next() {
      switch shape.classify(request) {
      case .request(let id):
        batch.append(request)
        ids.append(id)
      case .endOfBatch:
        try await answer(batch, ids: ids)
        batch.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
      case .handshake:
        throw RPCError(
          code: .failedPrecondition,
          message: "\(shape.rpc): a second handshake arrived on a stream that had already started; "
            + "the \(batch.count) request(s) of the open batch were not processed."
        )
      case .invalid(let id, let problem):
        throw RPCError(
          code: .invalidArgument,
          message: "\(shape.rpc): request '\(id)' is invalid: \(problem); the open batch was not processed."
        )
      }
    }
    if !batch.isEmpty {
      try await answer(batch, ids: ids)
    }
  }
  if !finished {
    throw gracePeriodOver(rpc: shape.rpc)
  }
}

/// What is wrong with `answered` as the responses to `expected`, or `nil`.
func mismatch(expected: [String], answered: [String]) -> String? {
  var counts: [String: Int] = [:]
  for id in answered { counts[id, default: 0] += 1 }
  let expectedSet = Set(expected)
  let missing = expected.filter { counts[$0] == nil }
  let duplicated = counts.filter { expectedSet.contains($0.key) && $0.value > 1 }.keys.sorted()
  let unknown = counts.keys.filter { !expectedSet.contains($0) }.sorted()
  var problems: [String] = []
  func list(_ ids: [String]) -> String {
    ids.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
  }
  if !missing.isEmpty { problems.append("no response for \(list(missing))") }
  if !duplicated.isEmpty { problems.append("more than one response for \(list(duplicated))") }
  if !unknown.isEmpty { problems.append("responses for ids not in the batch: \(list(unknown))") }
  return problems.isEmpty ? nil : problems.joined(separator: "; ")
}
