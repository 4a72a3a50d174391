import ArgumentParser
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

  func validate() throws {
    guard count > 0, batchSize > 0, readTimeoutMs >= 0, timeLimit > 0 else {
      throw ValidationError("--count, --batch-size and --time-limit must be positive, --read-timeout-ms not negative")
    }
    if let nackEvery, nackEvery < 1 { throw ValidationError("--nack-every must be at least 1") }
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
  var readTimeout: Duration
  var timeLimit: Duration
  var nackEvery: Int?

  init(records: [InputRecord.Fields], source: SourceOptions) {
    self.records = records
    (count, batchSize, nackEvery) = (source.count, source.batchSize, source.nackEvery)
    readTimeout = .milliseconds(source.readTimeoutMs)
    timeLimit = .seconds(source.timeLimit)
  }
}
