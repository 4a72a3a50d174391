import Foundation
import GRPCCore
import NumaflowProtos
import NumaflowSourcer
import NumaflowTesting
import Synchronization
import Testing

/// Counts from 0, as the reference's simple source does: a read writes the next `count`
/// numbers, an ack forgets them.
final class Counting: Sourcer {
  let state = Mutex((next: 0, unacked: Set<Int>(), nacked: [[Offset]]()))

  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    for _ in 0..<request.count {
      let index = state.withLock { state in
        defer { state.next += 1 }
        state.unacked.insert(state.next)
        return state.next
      }
      try await output.write(Message("\(index)", offset: Offset("\(index)"), eventTime: Date(), keys: ["k"]))
    }
  }

  func ack(_ offsets: [Offset]) async throws {
    state.withLock { state in
      for offset in offsets { state.unacked.remove(Int(offset.text ?? "") ?? -1) }
    }
  }

  func nack(_ offsets: [Offset], options: NackOptions?) async throws {
    state.withLock { $0.nacked.append(offsets) }
  }

  func pending() async throws -> Int? { state.withLock { $0.unacked.count } }
}

/// Reads block until cancelled: a source with nothing to say.
struct Silent: Sourcer {
  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    try await Task.sleep(for: .seconds(3600))
  }
  func ack(_ offsets: [Offset]) async throws {}
  func nack(_ offsets: [Offset], options: NackOptions?) async throws {}
}

/// Writes one message more than asked for; `caught` says whether it swallows the error.
final class Overwriter: Sourcer {
  let caught: Bool
  let seen = Mutex<[String]>([])
  init(caught: Bool) { self.caught = caught }

  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    for index in 0...request.count {
      do {
        try await output.write(Message("\(index)", offset: Offset("\(index)"), eventTime: Date()))
      } catch let error as SourceReadError where caught {
        seen.withLock { $0.append("\(error.code) \(error.offset): \(error.description)") }
      }
    }
  }
  func ack(_ offsets: [Offset]) async throws {}
  func nack(_ offsets: [Offset], options: NackOptions?) async throws {}
}

struct Failing: Sourcer {
  struct Boom: Error, CustomStringConvertible { var description: String { "source unreachable" } }
  func read(_ request: ReadRequest, output: MessageWriter) async throws { throw Boom() }
  func ack(_ offsets: [Offset]) async throws { throw Boom() }
  func nack(_ offsets: [Offset], options: NackOptions?) async throws { throw Boom() }
  func pending() async throws -> Int? { throw Boom() }
}

@Suite(.timeLimit(.minutes(5)))
struct SourcerTests {
  @Test func readsAckPendingAndPartitionsAsNumaCallsThem() async throws {
    let source = Counting()
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: source))
    #expect(try await client.isReady())
    let first = try await client.read(count: 3)
    #expect(first.map(\.value) == ["0", "1", "2"].map { Data($0.utf8) })
    #expect(first.map(\.offset) == [Offset("0"), Offset("1"), Offset("2")])
    #expect(first.allSatisfy { $0.keys == ["k"] && $0.offset.partitionID == Partitions.replica })
    #expect(try await client.pending() == 3)
    try await client.ack(first.map(\.offset))
    #expect(try await client.pending() == 0)
    let partitions = try await client.partitions()
    #expect(partitions.active == [Partitions.replica])
    #expect(partitions.total == nil)
  }

  @Test func manyReadsAndAcksOnOneStreamEachAsNumaDoesThem() async throws {
    let source = Counting()
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: source))
    let values = Mutex<[String]>([])
    // Ten reads of numa's 500. In-process, each read and ack waits behind every other test's
    // tasks: on one core beside the whole suite (CI's second run) they took minutes.
    let report = try await client.run(total: 5_000, timeLimit: .seconds(240)) { message, _ in
      values.withLock { $0.append(String(decoding: message.value, as: UTF8.self)) }
    }
    #expect(report.read == 5_000)
    #expect(report.acked == 5_000 && report.lost.isEmpty && report.duplicates.isEmpty)
    #expect(values.withLock { $0 } == (0..<5_000).map(String.init))
    #expect(try await client.pending() == 0, "every read message was acked")
  }

  @Test func aReadWithNothingToSayEndsAtItsTimeoutWithAnEmptyRead() async throws {
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: Silent()))
    let start = ContinuousClock.now
    #expect(try await client.read(count: 10, timeout: .milliseconds(200)).isEmpty)
    #expect(ContinuousClock.now - start < .seconds(45), "the read ended at its timeout, not never")
  }

  @Test func nothingBeyondTheCountIsSentAndTheWriterSaysWhy() async throws {
    let source = Overwriter(caught: true)
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: source))
    #expect(try await client.read(count: 3).count == 3)
    let seen = source.seen.withLock { $0 }
    #expect(seen.count == 1)
    #expect(seen.first?.hasPrefix("count-exceeded 3@0: ") == true)
    #expect(seen.first?.contains("more than the 3 messages numa asked for") == true)
  }

  @Test func aHandlerThatWritesPastTheCountIsAUDFFailureNamingIt() async throws {
    let client = SourceTestClient(
      server: SourceServer(configuration: .testDefaults, sourcer: Overwriter(caught: false)))
    await #expect {
      _ = try await client.read(count: 3)
    } throws: { error in
      let error = error as? RPCError
      return error?.code == .internalError
        && error?.message.hasPrefix(
          "UDF_EXECUTION_ERROR(udf): source read handler failed for a read of up to 3 messages")
          == true
        && error?.message.contains("more than the 3 messages numa asked for") == true
    }
  }

  @Test func everyMethodThatThrowsIsAUDFFailure() async throws {
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: Failing()))
    func isTheHandlersFailure(_ error: any Error) -> Bool {
      let error = error as? RPCError
      return error?.code == .internalError && error?.message.contains("source unreachable") == true
    }
    await #expect(performing: { _ = try await client.read(count: 1) }, throws: isTheHandlersFailure)
    await #expect(performing: { try await client.ack([Offset("1")]) }, throws: isTheHandlersFailure)
    await #expect(performing: { try await client.nack([Offset("1")]) }, throws: isTheHandlersFailure)
    await #expect(performing: { _ = try await client.pending() }, throws: isTheHandlersFailure)
  }

  @Test func nackCallsTheHandlerForEveryEntryWithItsOptions() async throws {
    let source = Counting()
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: source))
    try await client.nack([Offset("4"), Offset("5")], options: NackOptions(reason: "later", delay: .seconds(2)))
    #expect(source.state.withLock { $0.nacked } == [[Offset("4")], [Offset("5")]])
  }

  @Test func aSourceWithoutPendingReportsItUnavailable() async throws {
    let client = SourceTestClient(server: SourceServer(configuration: .testDefaults, sourcer: Silent()))
    #expect(try await client.pending() == nil)
  }
}
