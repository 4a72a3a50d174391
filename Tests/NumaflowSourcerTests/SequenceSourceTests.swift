import Foundation
import GRPCCore
import NumaflowSourcer
import NumaflowTesting
import Synchronization
import Testing

/// `SourceServer(publishing:)`: offsets, redelivery, idempotent acks, back-pressure, pending.
@Suite(.timeLimit(.minutes(5)))
struct SequenceSourceTests {
  /// A sequence of `count` records "0", "1", ..., and how many were pulled from it.
  final class Numbers: Sendable {
    let pulled = Mutex(0)
    let count: Int?

    init(count: Int? = nil) { self.count = count }

    var records: AsyncStream<SourceRecord> {
      AsyncStream(unfolding: { [self] in
        let next = pulled.withLock { pulled -> Int? in
          guard count.map({ pulled < $0 }) ?? true else { return nil }
          defer { pulled += 1 }
          return pulled
        }
        return next.map { SourceRecord("\($0)", keys: ["n"]) }
      })
    }
  }

  func server(
    _ numbers: Numbers, maxUnacked: Int = 10_000, ackTimeout: Duration? = .seconds(60),
    pending: (@Sendable () -> Int?)? = nil, clock: some Clock<Duration> & Sendable = ContinuousClock()
  ) -> SourceServer {
    SourceServer(
      configuration: .testDefaults, publishing: numbers.records, maxUnacked: maxUnacked, ackTimeout: ackTimeout,
      pending: pending, clock: clock)
  }

  /// How long a whole run as numa drives it may take. In-process, each read and ack waits
  /// behind every other test's tasks: on one core beside the whole suite (CI's second run) a
  /// run of a few hundred round trips took over a minute.
  static let runLimit: Duration = .seconds(240)

  func texts(_ messages: [Message]) -> [String] {
    messages.map { String(decoding: $0.value, as: UTF8.self) }
  }

  @Test func recordsAreReadInOrderWithTheOffsetsTheServerAssigns() async throws {
    try await SourceTestClient(server: server(Numbers(count: 10))).streams { numa in
      let first = try await numa.read(count: 4)
      #expect(self.texts(first) == ["0", "1", "2", "3"])
      #expect(first.map(\.offset) == (0..<4).map { Offset("\($0)") })
      #expect(first.allSatisfy { $0.keys == ["n"] })
      #expect(self.texts(try await numa.read(count: 4)) == ["4", "5", "6", "7"])
      #expect(self.texts(try await numa.read(count: 4)) == ["8", "9"])
      #expect(try await numa.read(count: 4, timeout: .milliseconds(100)).isEmpty, "the sequence has ended")
    }
  }

  @Test func nackedRecordsComeBackFirstAndNoOffsetInFlightIsSentTwice() async throws {
    try await server(Numbers(count: 1_000)).test { client in
      var inFlight = Set<Offset>()
      var delivered: [String] = []
      for round in 0..<40 {
        let messages = try await client.read(count: 30)
        for message in messages {
          #expect(!inFlight.contains(message.offset), "offset \(message.offset) was sent again while in flight")
          inFlight.insert(message.offset)
        }
        delivered += self.texts(messages)
        // Nack every third message, ack the rest.
        let nacked = messages.enumerated().filter { $0.offset % 3 == round % 3 }.map(\.element.offset)
        let acked = messages.map(\.offset).filter { !nacked.contains($0) }
        try await client.ack(acked)
        try await client.nack(nacked)
        inFlight.subtract(messages.map(\.offset))
        if let first = nacked.first {
          let next = try await client.read(count: 1)
          #expect(next.map(\.offset) == [first], "a nacked record comes back before new ones")
          try await client.ack(next.map(\.offset))
          delivered += self.texts(next)
        }
      }
      // Drain what is left, acking everything: every record arrives, none is lost.
      while true {
        let messages = try await client.read(count: 500, timeout: .milliseconds(100))
        if messages.isEmpty { break }
        delivered += self.texts(messages)
        try await client.ack(messages.map(\.offset))
      }
      #expect(Set(delivered) == Set((0..<1_000).map(String.init)))
      #expect(try await client.pending() == 0)
    }
  }

  @Test func acksOfOffsetsNotInFlightAreIgnoredAndLoseNothing() async throws {
    try await server(Numbers(count: 3)).test { client in
      let read = try await client.read(count: 2)
      try await client.ack([read[0].offset])
      try await client.ack([read[0].offset])  // numa retried the ack
      try await client.ack([Offset("99"), Offset("abc"), Offset("1", partitionID: 42)])  // never read here
      // "1" is still in flight: nacking it brings it back.
      try await client.nack([read[1].offset])
      #expect(try await client.read(count: 5).map(\.offset) == [Offset("1"), Offset("2")])
    }
  }

  @Test func theSequenceIsHeldBackWhileMaxUnackedRecordsAreHeld() async throws {
    let numbers = Numbers()
    try await server(numbers, maxUnacked: 5).test { client in
      try await client.streams { numa in
        var read = try await numa.read(count: 3)
        // The pump pulls a sixth record and waits with it for room, which only an ack makes:
        // until then a read finds the two records left of the five, and nothing more is pulled.
        try await eventually { numbers.pulled.withLock { $0 } == 6 }
        read += try await numa.read(count: 5)
        #expect(read.map(\.value) == (0..<5).map { Data("\($0)".utf8) })
        #expect(numbers.pulled.withLock { $0 } == 6, "the server holds at most 5 records (and one waiting)")
        try await numa.ack(read.map(\.offset))
        _ = try await numa.read(count: 5)
        #expect(numbers.pulled.withLock { $0 } >= 8, "acks make room for more")
      }
    }
  }

  @Test func pendingCountsWhatIsLeftWhenTheSequenceCanTell() async throws {
    try await server(Numbers(count: 4)).test { client in
      try await client.streams { numa in
        _ = try await numa.read(count: 1)
        // "the sequence ended: what is held and unread", once the pump has seen its end.
        try await eventually { try await client.pending() == 3 }
      }
      #expect(try await client.pending() == 4, "numa's stream ended: the record it read is due again")
    }
    try await server(Numbers(), maxUnacked: 10, pending: { 100 }).test { client in
      try await client.streams { numa in
        _ = try await numa.read(count: 1)
        // "100 upstream, 9 pulled and unread", once the pump holds its ten.
        try await eventually { try await client.pending() == 109 }
      }
    }
    try await server(Numbers(), maxUnacked: 10).test { client in
      let pending = try await client.pending()
      #expect(pending == nil, "an endless sequence that cannot tell")
    }
  }

  // numa as it really runs (rust/numaflow-core, v1.8.3 and main): it restarts its streams, reads
  // ahead, acks message by message out of order, and drops every nack for a `swift` source.

  @Test func whatWasReadOnAStreamThatEndedIsReadAgainBeforeNewRecords() async throws {
    try await server(Numbers(count: 20)).test { client in
      let first = try await client.streams { numa in try await numa.read(count: 5) }
      let again = try await client.streams { numa in
        let again = try await numa.read(count: 8)
        try await numa.ack(again.map(\.offset))
        return again
      }
      #expect(self.texts(again) == self.texts(first) + ["5", "6", "7"], "numa restarted: its unacked five are due")
    }
  }

  @Test func aRestartInTheMiddleOfAReadLosesNothingOfIt() async throws {
    try await server(Numbers(count: 20)).test { client in
      let part = try await client.streams { numa in try await numa.read(count: 10, stopAfter: 3) }
      #expect(self.texts(part) == ["0", "1", "2"])
      let next = try await client.streams { numa in try await numa.read(count: 10) }
      #expect(self.texts(next) == (0..<10).map(String.init), "the whole cut read comes again, in order")
    }
  }

  @Test func aRecordUnackedPastTheAckTimeoutIsReadAgainOnTheSameStream() async throws {
    let clock = ManualClock()
    try await server(Numbers(count: 3), ackTimeout: .seconds(60), clock: clock).test { client in
      try await client.streams { numa in
        let first = try await numa.read(count: 2)
        clock.advance(by: .seconds(59))
        #expect(self.texts(try await numa.read(count: 1)) == ["2"], "not yet timed out: the next record")
        clock.advance(by: .seconds(1))
        let again = try await numa.read(count: 5)
        #expect(self.texts(again) == self.texts(first), "timed out: read again")
      }
    }
  }

  @Test func aLateAckOfARecordReadAgainClearsIt() async throws {
    try await server(Numbers(count: 4)).test { client in
      let first = try await client.streams { numa in try await numa.read(count: 2) }
      try await client.streams { numa in
        try await numa.ack(first.map(\.offset))  // numa's ack arrives after its stream ended
        #expect(self.texts(try await numa.read(count: 5)) == ["2", "3"], "acked late: not read again")
        #expect(try await numa.read(count: 5, timeout: .milliseconds(50)).isEmpty)
      }
    }
  }

  /// numa's read-ahead (reads before the oldest ack), and per-message acks in shuffled order.
  /// Per-message acks are one round trip each, as numa awaits each ack's answer: 250 records
  /// keep them to ten reads, so that the run stays short on one busy core.
  @Test(arguments: [(3, false, 1_000), (1, true, 250), (2, true, 250)])
  func numaReadingAheadAndAckingOutOfOrderGetsEveryRecordOnce(readAhead: Int, acksPerMessage: Bool, total: Int)
    async throws
  {
    var reading = SourceReading()
    reading.batchSize = 25
    reading.readAhead = readAhead
    reading.acksPerMessage = acksPerMessage
    let report = try await SourceTestClient(server: server(Numbers(count: total))).run(
      reading, total: total, timeLimit: Self.runLimit)
    #expect(report.read == total && report.acked == total, "\(report)")
    #expect(report.lost.isEmpty && report.duplicates.isEmpty && report.redelivered == 0, "\(report)")
  }

  /// Dropped nacks come back through restarts when numa restarts, through the ack timeout
  /// when it does not.
  @Test(arguments: [3, nil])
  func restartsAndDroppedNacksLoseNothing(restartEvery: Int?) async throws {
    var reading = SourceReading()
    reading.batchSize = 40
    reading.readAhead = 2
    reading.restartEvery = restartEvery
    reading.nackEvery = 7
    reading.sendsNacks = false
    let numbers = Numbers(count: 600)
    // A whole run as numa drives it, on the real clock: the timeout is part of the traffic.
    let report = try await SourceTestClient(server: server(numbers, ackTimeout: .milliseconds(200))).run(
      reading, total: 600, timeLimit: Self.runLimit)
    #expect(report.nacksDropped > 0 && report.redelivered > 0, "\(report)")
    #expect(report.restarts > 0 || restartEvery == nil, "\(report)")
    #expect(report.lost.isEmpty, "\(report)")
    #expect(report.duplicates.isEmpty, "nothing acked is read again: \(report)")
  }

  @Test func aSourceThatForgetsWhatNumaLetGoOfIsReportedLosingIt() async throws {
    var reading = SourceReading()
    reading.batchSize = 10
    reading.restartEvery = 2
    reading.readAhead = 2
    reading.settle = .milliseconds(300)
    let report = try await SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: Forgetful()))
      .run(reading, total: 60, timeLimit: Self.runLimit)
    #expect(!report.lost.isEmpty, "records read on a restarted stream and never acked: \(report)")
  }

  /// Found in CI's one-core run, where the tests ran in another order: the error file is written
  /// once per runtime directory, not once per process, or a failure another in-process test
  /// persisted first would leave this one without its file.
  @Test func aSequenceThatThrowsIsAUDFFailure() async throws {
    struct Broken: Error, CustomStringConvertible { var description: String { "connection reset" } }
    let records = AsyncThrowingStream<SourceRecord, any Error> { continuation in
      continuation.yield(SourceRecord("last"))
      continuation.finish(throwing: Broken())
    }
    let runtime = try makeTemporaryDirectory()
    let errors = runtime + "/application-errors/udf"
    let server = SourceServer(configuration: .testDefaults, publishing: records)
    try await server.test(runtimeDirectory: runtime) { client in
      let read = try await client.read(count: 5)
      #expect(read.count == 1)
      try await client.ack(read.map(\.offset))
      // The error is recorded when the source's pump reads it, which may come after the test
      // would stop the server (a pump stopped by the platform reports nothing). Read on, a
      // second at a time, until it is recorded: at most a minute. (A read may fail once it is:
      // the failing server takes no new stream.)
      for _ in 0..<60 where !FileManager.default.fileExists(atPath: errors) {
        _ = try? await client.read(count: 5, timeout: .seconds(1))
      }
    }
    let failures = try FileManager.default.contentsOfDirectory(atPath: errors)
    #expect(failures.count == 1)
  }
}

/// Counts up and never gives anything back: what a hand-written source without a ledger does.
final class Forgetful: Sourcer {
  let next = Mutex(0)

  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    for _ in 0..<request.count {
      let index = next.withLock { next in
        defer { next += 1 }
        return next
      }
      try await output.write(Message("\(index)", offset: Offset("\(index)"), eventTime: .now))
    }
  }

  func ack(_ offsets: [Offset]) async throws {}

  func nack(_ offsets: [Offset], options: NackOptions?) async throws {}
}
