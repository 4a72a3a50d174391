import Synchronization

/// The server under test answered in a way numa would not accept: an id it was never sent, an
/// answer given twice or never, an output after its EOT, an output without the event time numa
/// requires. A server's own error status comes as `RPCError` instead.
public struct ProtocolViolation: Error, CustomStringConvertible, Sendable {
  /// What the server did wrong.
  public let description: String

  init(_ description: String) { self.description = description }
}

/// Orders one-response-per-request answers by the `request-<i>` ids a test client gave out,
/// checking that each was answered exactly once.
func answersInOrder<Response, Output>(
  _ responses: some Sequence<Response>,
  count: Int,
  id: (Response) -> String,
  outputs: (Response) -> Output
) throws -> [Output] {
  var ordered = [Output?](repeating: nil, count: count)
  for response in responses {
    let responseID = id(response)
    guard let index = requestIndex(responseID, count: count) else {
      throw ProtocolViolation("the server answered an id it was never sent: '\(responseID)'")
    }
    guard ordered[index] == nil else {
      throw ProtocolViolation("the server answered id '\(responseID)' twice")
    }
    ordered[index] = outputs(response)
  }
  return try ordered.enumerated().map { index, output in
    guard let output else { throw ProtocolViolation("the server never answered id 'request-\(index)'") }
    return output
  }
}

/// The index of a `request-<i>` id among `count` requests, or `nil`.
func requestIndex(_ id: String, count: Int) -> Int? {
  guard id.hasPrefix("request-"), let index = Int(id.dropFirst("request-".count)), (0..<count).contains(index)
  else { return nil }
  return index
}

/// A box for a value produced inside a `Void`-returning scope.
final class ResultBox<Value: Sendable>: Sendable {
  private let value = Mutex<Value?>(nil)

  func set(_ newValue: Value) { value.withLock { $0 = newValue } }
  func get() -> Value? { value.withLock { $0 } }
}

func withResult<Value: Sendable>(_ body: (ResultBox<Value>) async throws -> Void) async throws -> Value {
  let box = ResultBox<Value>()
  try await body(box)
  guard let value = box.get() else { throw CancellationError() }
  return value
}

/// Runs `body`, failing with a clear error if it takes longer than `timeout`.
func withTimeout<Result: Sendable>(
  _ timeout: Duration,
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
      throw ProtocolViolation("no answer within \(timeout)")
    }
    return value
  }
}
