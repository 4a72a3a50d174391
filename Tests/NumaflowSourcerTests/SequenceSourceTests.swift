import Foundation
import GRPCCore
import NumaflowSourcer
import NumaflowTesting
import Synchronization
import Testing

/// `SourceServer(publishing:)`: offsets, redelivery, idempotent acks, back-pressure, pending.
@Suite(.timeLimit(.minutes(1)))
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

  func server(_ numbers: Numbers, maxUnacked: Int = 10_000, pending: (@Sendable () -> Int?)? = nil) -> SourceServer {
    SourceServer(configuration: .testDefaults, publishing: numbers.records, maxUnacked: maxUnacked, pending: pending)
  }

  func texts(_ messages: [Message]) -> [String] {
    messages.map { String(decoding: $0.value, as: UTF8.self) }
  }

  @Test func recordsAreReadInOrderWithTheOffsetsTheServerAssigns() async throws {
    try await SourceTestClient(server: server(Numbers(count: 10))).session { client in
      let first = try await client.read(count: 4)
      #expect(self.texts(first) == ["0", "1", "2", "3"])
      #expect(first.map(\.offset) == (0..<4).map { Offset("\($0)") })
      #expect(first.allSatisfy { $0.keys == ["n"] })
      #expect(self.texts(try await client.read(count: 4)) == ["4", "5", "6", "7"])
      #expect(self.texts(try await client.read(count: 4)) == ["8", "9"])
      #expect(try await client.read(count: 4, timeout: .milliseconds(100)).isEmpty, "the sequence has ended")
    }
  }

  @Test func nackedRecordsComeBackFirstAndNoOffsetInFlightIsSentTwice() async throws {
    try await SourceTestClient(server: server(Numbers(count: 1_000))).session { client in
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
    try await SourceTestClient(server: server(Numbers(count: 3))).session { client in
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
    try await SourceTestClient(server: server(numbers, maxUnacked: 5)).session { client in
      let read = try await client.read(count: 3)
      try await Task.sleep(for: .milliseconds(100))
      #expect(numbers.pulled.withLock { $0 } <= 6, "the server holds at most 5 records (and one waiting)")
      try await client.ack(read.map(\.offset))
      _ = try await client.read(count: 5)
      #expect(numbers.pulled.withLock { $0 } >= 8, "acks make room for more")
    }
  }

  @Test func pendingCountsWhatIsLeftWhenTheSequenceCanTell() async throws {
    try await SourceTestClient(server: server(Numbers(count: 4))).session { client in
      _ = try await client.read(count: 1)
      try await Task.sleep(for: .milliseconds(50))
      #expect(try await client.pending() == 3, "the sequence ended: what is held and unread")
    }
    try await SourceTestClient(server: server(Numbers(), maxUnacked: 10, pending: { 100 })).session { client in
      _ = try await client.read(count: 1)
      try await Task.sleep(for: .milliseconds(50))
      #expect(try await client.pending() == 109, "100 upstream, 9 pulled and unread")
    }
    try await SourceTestClient(server: server(Numbers(), maxUnacked: 10)).session { client in
      let pending = try await client.pending()
      #expect(pending == nil, "an endless sequence that cannot tell")
    }
  }

  @Test func aSequenceThatThrowsIsAUDFFailure() async throws {
    struct Broken: Error, CustomStringConvertible { var description: String { "connection reset" } }
    let records = AsyncThrowingStream<SourceRecord, any Error> { continuation in
      continuation.yield(SourceRecord("last"))
      continuation.finish(throwing: Broken())
    }
    let runtime = try makeTemporaryDirectory()
    let server = SourceServer(configuration: .testDefaults, publishing: records)
    try await SourceTestClient(server: server, runtimeDirectory: runtime).session { client in
      let read = try await client.read(count: 5)
      #expect(read.count == 1)
    }
    let failures = try FileManager.default.contentsOfDirectory(atPath: runtime + "/application-errors/udf")
    #expect(failures.count == 1)
  }
}
