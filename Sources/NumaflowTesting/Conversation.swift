import GRPCCore

/// One bidirectional stream driven turn by turn, as numa drives a source's `ReadFn` and
/// `AckFn`: send a request, read the answers it gets, send the next.
package final class Conversation<Request: Sendable, Response: Sendable> {
  private let requests: AsyncStream<Request>.Continuation
  private var responses: RPCAsyncSequence<Response, any Error>.AsyncIterator

  init(requests: AsyncStream<Request>.Continuation, responses: RPCAsyncSequence<Response, any Error>) {
    self.requests = requests
    self.responses = responses.makeAsyncIterator()
  }

  /// Sends `request` on the stream.
  package func send(_ request: Request) {
    requests.yield(request)
  }

  /// The server's next message, or `nil` when it ended the stream with OK.
  /// - Throws: `RPCError` when it ended the stream with another status.
  package func receive() async throws -> Response? {
    try await responses.next()
  }

  /// Half-closes the stream: nothing more will be sent.
  package func finish() {
    requests.finish()
  }
}

/// Opens one stream with `open`, sends `opening` at once (a handshake: a server may answer
/// nothing, not even headers, before it has one), and runs `body` on the stream; the stream is
/// half-closed when `body` returns, and what the server still sends is read until it ends it.
package func converse<Request: Sendable, Response: Sendable, Result: Sendable>(
  opening: Request,
  open:
    @Sendable (
      StreamingClientRequest<Request>,
      @Sendable @escaping (StreamingClientResponse<Response>) async throws -> Result
    ) async throws -> Result,
  _ body: @Sendable @escaping (Conversation<Request, Response>) async throws -> Result
) async throws -> Result {
  let (requests, continuation) = AsyncStream<Request>.makeStream()
  continuation.yield(opening)
  let request = StreamingClientRequest<Request> { writer in
    for await next in requests { try await writer.write(next) }
  }
  return try await open(request) { response in
    let conversation = Conversation(requests: continuation, responses: response.messages)
    defer { continuation.finish() }
    let result = try await body(conversation)
    conversation.finish()
    while try await conversation.receive() != nil {}
    return result
  }
}
