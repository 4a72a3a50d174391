/// Serves a user-defined source on `source.sock` (server-info `sourcer-server-info`).
///
/// ```swift
/// import NumaflowSourcer
///
/// await SourceServer(sourcer: Counter()).runService()
/// ```
///
/// or, for an `AsyncSequence` of ``SourceRecord``s, with the bookkeeping done for you
/// (offsets, unacked messages, redelivery, back-pressure):
///
/// ```swift
/// await SourceServer(publishing: lines.map { SourceRecord($0) }).runService()
/// ```
///
/// A source has one mode, async: numa reads one batch at a time per stream, and acks beside
/// its reads. Entry points: `NumaflowServer`.
public struct SourceServer: NumaflowServer {
  public let host: ServerHost

  /// A server for a source you wrote.
  public init(configuration: ServerConfiguration = .defaults, sourcer: some Sourcer) {
    host = ServerHost(endpoint: .source, configuration: configuration) { lifecycle in
      [HandCodedSourceService(sourcer: sourcer, lifecycle: lifecycle)]
    }
  }

  /// A server that publishes `records` as a source, at least once.
  ///
  /// - Parameters:
  ///   - configuration: Sockets, limits and logging: `ServerConfiguration.defaults` unless a
  ///     test or an embedding needs otherwise.
  ///   - records: The records, in order. When the sequence ends, reads find nothing more;
  ///     when it throws, that is a UDF failure.
  ///   - maxUnacked: How many records the server holds at most: read from the sequence but
  ///     not yet acked. At the bound it stops pulling from the sequence. It is what bounds the
  ///     server's memory, so size it by your records: 10,000 records of 10 KiB hold about
  ///     100 MB (measured: 156 MB resident with the server; 37 MB at 100 B).
  ///   - ackTimeout: How long a record read by numa may go unacked before it is read again
  ///     (`nil`: never). numa acks a batch once it is written downstream (in a pipeline, to the
  ///     inter-step buffer; in a MonoVertex, through the sink, retries included), and drops a
  ///     record it reads again while it still holds it, so a timeout shorter than that costs
  ///     reads, not duplicates. What it protects against is a record numa let go of without a
  ///     word: a nack, which numa does not send to a `swift` source.
  ///   - pending: How many records the sequence still has, when it can tell.
  ///   - clock: What measures `ackTimeout` (a test passes a clock it drives, such as
  ///     NumaflowTesting's `ManualClock`).
  public init<Records: AsyncSequence & Sendable>(
    configuration: ServerConfiguration = .defaults,
    publishing records: Records,
    maxUnacked: Int = 10_000,
    ackTimeout: Duration? = .seconds(60),
    pending: (@Sendable () -> Int?)? = nil,
    clock: some Clock<Duration> & Sendable = ContinuousClock()
  ) where Records.Element == SourceRecord {
    host = ServerHost(endpoint: .source, configuration: configuration) { lifecycle, body in
      let source = SequenceSource(
        maxUnacked: maxUnacked, ackTimeout: ackTimeout, upstreamPending: pending, logger: lifecycle.logger,
        clock: clock)
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await source.pump(records, lifecycle: lifecycle) }
        try await body([HandCodedSourceService(sourcer: source, lifecycle: lifecycle)])
        group.cancelAll()
      }
    }
  }
}
