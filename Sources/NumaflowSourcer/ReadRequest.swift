/// What numa asks one read for: at most ``count`` messages, within ``timeout``.
public struct ReadRequest: Sendable, Hashable {
  /// The most messages the read may write (numa's read batch size, 500 by default).
  public var count: Int
  /// How long the read may take (numa's read timeout, 1 s by default). The server cancels the
  /// read when it is over, sends what was written and ends the read.
  public var timeout: Duration

  public init(count: Int, timeout: Duration) {
    self.count = count
    self.timeout = timeout
  }
}
