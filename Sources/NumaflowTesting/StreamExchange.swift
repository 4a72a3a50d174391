import Foundation
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2Posix
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// What came back on one bidirectional stream.
package struct StreamOutcome<Response: Sendable>: Sendable {
  /// Every message the server sent, in order (the handshake reply first).
  package var responses: [Response]
  /// The status the stream ended with, when not OK.
  package var error: RPCError?

  package init(responses: [Response], error: RPCError?) {
    self.responses = responses
    self.error = error
  }
}

/// Opens one bidirectional stream on a generated client: the kind-specific method call.
package typealias OpenStream<Request: Sendable, Response: Sendable> =
  @Sendable (
    StreamingClientRequest<Request>,
    @Sendable @escaping (StreamingClientResponse<Response>) async throws -> StreamOutcome<Response>
  ) async throws -> StreamOutcome<Response>

/// Sends `requests` exactly as given, runs `afterSending` once they are sent and the server has
/// sent `afterResponses` messages (by default the first: the stream is surely accepted; one
/// more than the handshake reply means the server has read everything sent before the request
/// it answered, since a stream is read in order), keeps the stream open until `count`
/// responses that `counting` accepts arrived (or the server ended it), then half-closes and collects the rest, as numa
/// does at shutdown. Fails after `timeout` rather than hang.
package func exchange<Request: Sendable, Response: Sendable>(
  _ requests: [Request],
  awaitingResponses count: Int,
  counting: @escaping @Sendable (Response) -> Bool = { _ in true },
  timeout: Duration,
  afterResponses: Int = 1,
  afterSending: @escaping @Sendable () async -> Void,
  open: @escaping OpenStream<Request, Response>
) async throws -> StreamOutcome<Response> {
  let progress = Mutex(0)
  let waitingFor: @Sendable () -> String = {
    "\(count) answers to \(requests.count) requests sent on one stream (\(progress.withLock { $0 }) came)"
  }
  return try await withTimeout(timeout, waitingFor: waitingFor) {
    let enough = OneShotEvent()
    let answered = OneShotEvent()
    let request = StreamingClientRequest<Request> { writer in
      for request in requests {
        do { try await writer.write(request) } catch { break }
      }
      await answered.wait()
      await afterSending()
      await enough.wait()
    }
    return try await open(request) { response in
      var received: [Response] = []
      var counted = 0
      defer {
        answered.signal()
        enough.signal()
      }
      do {
        for try await message in response.messages {
          received.append(message)
          let came = progress.withLock { count in
            count += 1
            return count
          }
          if came >= afterResponses { answered.signal() }
          if counting(message) { counted += 1 }
          if counted >= count { enough.signal() }
        }
        return StreamOutcome(responses: received, error: nil)
      } catch let error as RPCError {
        return StreamOutcome(responses: received, error: error)
      }
    }
  }
}

/// Sends `requests` exactly as given, half-closes the stream, and collects everything the
/// server sends until it ends the stream: how numa drives a window, which is answered only once
/// it is closed.
package func sendAll<Request: Sendable, Response: Sendable>(
  _ requests: [Request],
  open: @escaping OpenStream<Request, Response>
) async throws -> StreamOutcome<Response> {
  let request = StreamingClientRequest<Request> { try await $0.write(contentsOf: requests) }
  return try await open(request) { response in
    var received: [Response] = []
    do {
      for try await message in response.messages { received.append(message) }
      return StreamOutcome(responses: received, error: nil)
    } catch let error as RPCError {
      return StreamOutcome(responses: received, error: error)
    }
  }
}

/// Keeps `window` requests in flight after `handshake` until `total` have been answered
/// (`isAnswer` picks the responses that count); returns how many answers came. For benchmarks.
package func drive<Request: Sendable, Response: Sendable>(
  handshake: Request,
  total: Int,
  window: Int,
  makeRequest: @escaping @Sendable (Int) -> Request,
  isAnswer: @escaping @Sendable (Response) -> Bool,
  open: @escaping OpenStream<Request, Response>
) async throws -> Int {
  let credits = AsyncSemaphore(permits: window)
  let done = OneShotEvent()
  let request = StreamingClientRequest<Request> { writer in
    try await writer.write(handshake)
    var sent = 0
    while sent < total {
      // As numa does, send as many as the window allows at once, in one write.
      let granted = await credits.acquire(upTo: total - sent)
      try await writer.write(contentsOf: (sent..<sent + granted).map(makeRequest))
      sent += granted
    }
    await done.wait()
  }
  let outcome = try await open(request) { response in
    var answered = 0
    defer { done.signal() }
    for try await message in response.messages where isAnswer(message) {
      answered += 1
      credits.release()
      // Half-close and let the server end the stream, as numa does at shutdown; leaving
      // early would cancel the RPC, which some servers take for a shutdown.
      if answered == total { done.signal() }
    }
    return StreamOutcome(
      responses: [],
      error: answered == total ? nil : RPCError(code: .dataLoss, message: "\(answered) of \(total) answered"))
  }
  if let error = outcome.error { throw error }
  return total
}

/// Sends `total` requests after `handshake` in batches of `batchSize`, each closed by
/// `endOfBatch`, the next only once the server closed the previous one (as numa does), and
/// returns how many answers came (`answers` counts them per message). For benchmarks.
package func driveBatches<Request: Sendable, Response: Sendable>(
  handshake: Request,
  endOfBatch: Request,
  total: Int,
  batchSize: Int,
  makeRequest: @escaping @Sendable (Int) -> Request,
  isEndOfBatch: @escaping @Sendable (Response) -> Bool,
  answers: @escaping @Sendable (Response) -> Int,
  open:
    @Sendable (
      StreamingClientRequest<Request>, @Sendable @escaping (StreamingClientResponse<Response>) async throws -> Int
    ) async throws -> Int
) async throws -> Int {
  let batches = (total + batchSize - 1) / batchSize
  let batchDone = AsyncSemaphore(permits: 0)
  let request = StreamingClientRequest<Request> { writer in
    try await writer.write(handshake)
    for batch in 0..<batches {
      let range = (batch * batchSize)..<min(total, (batch + 1) * batchSize)
      try await writer.write(contentsOf: range.map(makeRequest) + [endOfBatch])
      await batchDone.acquire()
    }
  }
  return try await open(request) { response in
    var answered = 0
    for try await message in response.messages {
      if isEndOfBatch(message) { batchDone.release() } else { answered += answers(message) }
    }
    return answered
  }
}

/// Runs `body`, failing with an error that names what it was waiting for if it takes longer
/// than `timeout`: a test that hangs says on what, rather than hitting its suite's time limit.
func withTimeout<Result: Sendable>(
  _ timeout: Duration,
  waitingFor: @Sendable @escaping () -> String,
  _ body: @Sendable @escaping () async throws -> Result
) async throws -> Result {
  try await withThrowingTaskGroup(of: Result?.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: timeout)
      return nil
    }
    defer { group.cancelAll() }
    guard let result = try await group.next()!, let value = result as Result? else {
      throw ProtocolViolation("no answer within \(timeout), waiting for \(waitingFor())")
    }
    return value
  }
}
