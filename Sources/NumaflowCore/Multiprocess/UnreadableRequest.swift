/// A request a worker process could not decode: numa's input was wrong, not the handler. In
/// multiprocess mode the server process relays requests it has read only the head of
/// (``RelayedRequest``), so a field that does not decode (a key that is not UTF-8, say) is
/// found in the worker; the stream then ends as for any unreadable message (``StreamStatus``),
/// and the server keeps serving.
package struct UnreadableRequest: Error, Sendable, CustomStringConvertible {
  /// Why it did not decode, as the worker's decoder said it.
  package var reason: String

  package init(reason: String) { self.reason = reason }

  package var description: String { "the request did not decode in a worker process: \(reason)" }
}
