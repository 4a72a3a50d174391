import GRPCCore
import NumaflowProtos

/// What a batch stream adds to its ``StreamShape``: how the handler's answers are checked and
/// sent. An `Answer` is what the handler returns per request (a batch map's response, a
/// sink's result); the server sends them in one or more `Response` messages.
package struct BatchRules<Answer: Sendable, Response: Sendable>: Sendable {
  /// What the server sends after the last response of a batch.
  package var endOfBatchResponse: Response
  /// The request id an answer is for.
  package var answerID: @Sendable (Answer) -> String
  /// What else is wrong with a batch's answers beyond their ids, or `nil` (a fallback sink
  /// answering "fallback", say).
  package var problem: @Sendable ([Answer]) -> String?
  /// The messages that carry a batch's checked answers.
  package var responses: @Sendable ([Answer]) -> [Response]

  package init(
    endOfBatchResponse: Response,
    answerID: @escaping @Sendable (Answer) -> String,
    problem: @escaping @Sendable ([Answer]) -> String? = { _ in nil },
    responses: @escaping @Sendable ([Answer]) -> [Response]
  ) {
    self.endOfBatchResponse = endOfBatchResponse
    self.answerID = answerID
    self.problem = problem
    self.responses = responses
  }
}

extension BatchRules where Answer == Response {
  /// Rules for a stream whose answers are its response messages (batch map).
  package init(endOfBatchResponse: Response, responseID: @escaping @Sendable (Response) -> String) {
    self.init(endOfBatchResponse: endOfBatchResponse, answerID: responseID, responses: { $0 })
  }
}

/// Serves a stream that arrives in batches closed by an EOT (batch map, sink): after the
/// handshake, collects each batch, hands it to the handler whole, checks that every request id
/// got exactly one answer and no other id was answered, then sends the answers and an EOT.
///
/// Numa re-sends a batch map batch whose responses are incomplete, forever, and fails fatally
/// on an incomplete sink batch, so a handler that forgets or duplicates an id is a UDF failure
/// here, named with the ids. If the client half-closes after an unfinished batch, that batch
/// is still answered. Misuse, unreadable input and handler errors end the stream as on every
/// stream (``StreamSession``).
@_specialize(
  exported:true,where Request == Map_V1_MapRequest, Answer == Map_V1_MapResponse, Response == Map_V1_MapResponse
)
@_specialize(
  exported:true,where
    Request == Sink_V1_SinkRequest, Answer == Sink_V1_SinkResponse.Result, Response == Sink_V1_SinkResponse
)
package func serveBatches<Request: Sendable, Answer: Sendable, Response: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  outbound: OutboundQueue<Response>,
  shape: StreamShape<Request, Response>,
  batch rules: BatchRules<Answer, Response>,
  handler: RequestHandler<[Request], [Answer]>,
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
      let answers: [Answer]
      do {
        answers = try await handler.call(batch)
      } catch {
        session.handlerFailed(error, subject: subject)
        return false
      }
      let problem =
        mismatch(expected: ids, answered: answers.map(rules.answerID)).map {
          "\($0); every request id needs exactly one response"
        } ?? rules.problem(answers)
      if let problem {
        session.record(
          UDFFailure(
            code: .wrongAnswer,
            containerType: lifecycle.configuration.udContainerType,
            summary: "\(handler.name) answered \(subject) wrongly: \(problem) (numa would fail on this batch)",
            details: "handler: \(handler.name)\nbatch ids: \(ids)\nproblem: \(problem)"
          ))
        return false
      }
      // The batch is already in memory, and numa sends the next only after this EOT.
      let messages = rules.responses(answers) + CollectionOfOne(rules.endOfBatchResponse)
      return (try? await outbound.send(contentsOf: messages)) != nil
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

/// What is wrong with `answered` as the answers to `expected`, or `nil`.
package func mismatch(expected: [String], answered: [String]) -> String? {
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
