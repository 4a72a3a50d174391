import GRPCCore
import NumaflowProtos

/// What a batch stream adds to its ``StreamShape``.
package struct BatchRules<Response: Sendable>: Sendable {
  /// What the server sends after the last response of a batch.
  package var endOfBatchResponse: Response
  /// The request id a response answers.
  package var responseID: @Sendable (Response) -> String

  package init(endOfBatchResponse: Response, responseID: @escaping @Sendable (Response) -> String) {
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
/// If the client half-closes after an unfinished batch, that batch is still answered. Misuse,
/// unreadable input and handler errors end the stream as on every stream (``StreamSession``).
@_specialize(exported:true,where Request == Map_V1_MapRequest, Response == Map_V1_MapResponse)
package func serveBatches<Request: Sendable, Response: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  outbound: OutboundQueue<Response>,
  shape: StreamShape<Request, Response>,
  batch rules: BatchRules<Response>,
  handler: RequestHandler<[Request], [Response]>,
  lifecycle: ServerLifecycle
) async throws {
  try await serveStream(
    requests: requests, outbound: outbound, shape: shape, handlerName: handler.name, lifecycle: lifecycle
  ) { reader, session in
    /// Runs one batch and queues its responses and EOT; `false` when it failed the stream.
    func answer(_ batch: [Request], ids: [String]) async -> Bool {
      guard session.begin() else { return false }
      defer { session.end() }
      let subject = UDFFailure.describe(batch: ids)
      let answers: [Response]
      do {
        answers = try await handler.call(batch)
      } catch {
        session.handlerFailed(error, subject: subject)
        return false
      }
      if let problem = mismatch(expected: ids, answered: answers.map(rules.responseID)) {
        session.record(
          UDFFailure(
            code: .wrongAnswer,
            containerType: lifecycle.configuration.udContainerType,
            summary: "\(handler.name) answered \(subject) wrongly: \(problem); "
              + "every request id needs exactly one response (numa would re-send the batch forever)",
            details: "handler: \(handler.name)\nbatch ids: \(ids)\nproblem: \(problem)"
          ))
        return false
      }
      // The batch is already in memory, and numa sends the next only after this EOT.
      return (try? await outbound.send(contentsOf: answers + CollectionOfOne(rules.endOfBatchResponse))) != nil
    }

    var batch: [Request] = []
    var ids: [String] = []
    while let event = await reader.next() {
      switch event {
      case .request(let id, let request):
        batch.append(request)
        ids.append(id)
      case .endOfBatch:
        guard await answer(batch, ids: ids) else { return }
        batch.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
      }
    }
    if !batch.isEmpty && session.fault == nil {
      _ = await answer(batch, ids: ids)
    }
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
  if !missing.isEmpty { problems.append("no response for \(UDFFailure.list(missing))") }
  if !duplicated.isEmpty { problems.append("more than one response for \(UDFFailure.list(duplicated))") }
  if !unknown.isEmpty { problems.append("responses for ids not in the batch: \(UDFFailure.list(unknown))") }
  return problems.isEmpty ? nil : problems.joined(separator: "; ")
}
