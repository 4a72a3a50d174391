/// What numa asks one read for: at most ``count`` messages, within ``timeout``, on ``stream``.
public struct ReadRequest: Sendable, Hashable {
  /// The most messages the read may write (numa's read batch size, 500 by default).
  public var count: Int
  /// How long the read may take (numa's read timeout, 1 s by default). The server cancels the
  /// read when it is over, sends what was written and ends the read.
  public var timeout: Duration
  /// The `ReadFn` stream the read came on. When it ends, numa has let go of everything read on
  /// it: ``Sourcer/readStreamEnded(_:)`` says so.
  public var stream: ReadStream

  public init(count: Int, timeout: Duration) {
    self.init(count: count, timeout: timeout, stream: ReadStream(number: 0))
  }

  package init(count: Int, timeout: Duration, stream: ReadStream) {
    self.count = count
    self.timeout = timeout
    self.stream = stream
  }
}
