import ArgumentParser
import NumaflowDevKit
import NumaflowTesting

/// How `run source` plays numa's source reader.
struct SourceOptions: ParsableArguments {
  @Option(name: .customLong("count"), help: "source: stop after this many messages; sideinput: calls to make.")
  var count = 100

  @Option(help: "source: messages asked for per read; sink: records per batch (numa's readBatchSize).")
  var batchSize = 500

  @Option(help: "source: each read's timeout in milliseconds (numa's readTimeout).")
  var readTimeoutMs = 1000

  @Option(help: "source: stop after this many seconds even if fewer messages came.")
  var timeLimit = 30

  @Option(help: "source: nack every K-th message instead of acking it.")
  var nackEvery: Int?

  @Flag(help: "source: drop nacks instead of sending them, as numa does for a swift source.")
  var dropNacks = false

  @Option(help: "source: reads made before the oldest is acked (numa's NUMAFLOW_READ_AHEAD); 1 acks each read first.")
  var readAhead = 1

  @Flag(help: "source: ack each message on its own, in shuffled order, as numa's streaming source does.")
  var ackPerMessage = false

  @Option(help: "source: end both streams and open new ones every N reads, dropping what is unacked (numa restarting).")
  var restartEvery: Int?

  @Option(help: "source: once --count messages came, go on reading up to this many seconds for offsets still owed.")
  var settleSeconds = 10

  func validate() throws {
    guard count > 0, batchSize > 0, readTimeoutMs >= 0, timeLimit > 0, readAhead > 0, settleSeconds >= 0 else {
      throw ValidationError(
        "--count, --batch-size, --time-limit and --read-ahead must be positive, --read-timeout-ms and --settle-seconds not negative"
      )
    }
    if let nackEvery, nackEvery < 1 { throw ValidationError("--nack-every must be at least 1") }
    if let restartEvery, restartEvery < 1 { throw ValidationError("--restart-every must be at least 1") }
  }

  /// numa's part, as these options set it.
  var reading: SourceReading {
    var reading = SourceReading()
    reading.batchSize = batchSize
    reading.readTimeout = .milliseconds(readTimeoutMs)
    reading.readAhead = readAhead
    reading.acksPerMessage = ackPerMessage
    reading.restartEvery = restartEvery
    reading.nackEvery = nackEvery
    reading.sendsNacks = !dropNacks
    reading.settle = .seconds(settleSeconds)
    return reading
  }
}

/// What `run` feeds a server: records for the kinds that take them, source options for a source.
struct RunInput: Sendable {
  var records: [InputRecord.Fields]
  var servingCalls: [ServingCall] = []
  var windowing: Windowing = .fixed(.seconds(60))
  var accumulatorTimeout: Duration = .seconds(10)
  var sessionGap: Duration = .seconds(30)
  var count: Int
  var batchSize: Int
  var timeLimit: Duration
  var reading: SourceReading
  /// The vertex's retryStrategy for failed map and transformer inputs; `nil`: none.
  var retry: RetryStrategy?
  var maxAttempts = 100
  /// The `traceparent` numa would send with each record (`--trace`, traced kinds only).
  var traceparents: [String]?

  init(records: [InputRecord.Fields], source: SourceOptions) {
    self.records = records
    (count, batchSize, reading) = (source.count, source.batchSize, source.reading)
    timeLimit = .seconds(source.timeLimit)
  }
}

/// A source run ended with offsets read, never acked and never read again.
struct LostOffsets: Error {
  let lines: [OutputRecord]
  let report: SourceRunReport
}
