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
