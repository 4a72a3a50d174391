import DequeModule
import Logging
import NumaflowCore
import Synchronization

/// `SourceServer(publishing:)`: an `AsyncSequence` of records served as a source, with the
/// bookkeeping hand-written sources get wrong.
///
/// - It assigns offsets: a running number, as text, on this replica's partition.
/// - It keeps every record until numa acks it, in a ``DeliveryLedger``: nacked records, those
///   out on a read stream that ended and those unacked past the ack timeout are read again
///   before new ones, and an offset is never out twice at once.
/// - It holds at most `maxUnacked` records; at the bound it stops pulling from the sequence,
///   so a fast sequence is held back instead of filling memory.
/// - An ack or nack of an offset it does not hold (a retried ack, a late ack of a record read
///   again since, a stranger) is logged and otherwise ignored.
///
/// At least once: a record leaves the server's memory only when numa acks it. Records held
/// when the process ends (read or not) are gone with it; after a restart they come again only
/// if the sequence's own upstream replays what it was not told was done (a broker's
/// unacknowledged messages, a file read from a saved position).
final class SequenceSource: Sourcer {
  private struct State {
    var ledger: DeliveryLedger<UInt64, SourceRecord>
    var nextOffset: UInt64 = 0
    /// The sequence has ended.
    var finished = false
    /// A read waiting for records.
    var reader: CheckedContinuation<Void, Never>?
    /// The pump waiting for room.
    var pump: CheckedContinuation<Void, Never>?

    /// Whether a read would find something now (after giving back what timed out).
    mutating func hasWaiting(now: ContinuousClock.Instant) -> Bool {
      ledger.expire(now: now)
      return ledger.waitingCount > 0
    }

    mutating func takeReader() -> CheckedContinuation<Void, Never>? {
      defer { reader = nil }
      return reader
    }
  }

  private let state: Mutex<State>
  private let maxUnacked: Int
  private let upstreamPending: (@Sendable () -> Int?)?
  private let logger: Logger
  private let partition = Partitions.replica
  /// Now, on the source's clock, as the ledger's instants.
  private let now: @Sendable () -> ContinuousClock.Instant

  init(
    maxUnacked: Int, ackTimeout: Duration?, upstreamPending: (@Sendable () -> Int?)?, logger: Logger,
    clock: some Clock<Duration> & Sendable
  ) {
    state = Mutex(State(ledger: DeliveryLedger(ackTimeout: ackTimeout)))
    self.maxUnacked = max(1, maxUnacked)
    self.upstreamPending = upstreamPending
    self.logger = logger
    let (base, origin) = (ContinuousClock.now, clock.now)
    now = { base.advanced(by: origin.duration(to: clock.now)) }
  }

  /// Pulls `records` into the source until the sequence ends, it throws (a UDF failure), or
  /// the task is cancelled; waits while `maxUnacked` records are held.
  func pump<Records: AsyncSequence & Sendable>(_ records: Records, lifecycle: ServerLifecycle)
    async where Records.Element == SourceRecord
  {
    do {
      for try await record in records {
        await waitForRoom()
        if Task.isCancelled { break }
        let reader = state.withLock { state in
          state.ledger.append(record, key: state.nextOffset)
          state.nextOffset += 1
          return state.takeReader()
        }
        reader?.resume()
      }
    } catch {
      if !Task.isCancelled {
        lifecycle.recordFailure(
          UDFFailure(
            containerType: lifecycle.configuration.udContainerType, handler: "the published sequence",
            subject: "its next record", error: error))
      }
    }
    let reader = state.withLock { state in
      state.finished = true
      return state.takeReader()
    }
    reader?.resume()
  }

  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    await waitForRecords()
    let taken = state.withLock { state in
      let now = now()
      state.ledger.expire(now: now)
      return state.ledger.take(request.count, on: request.stream, now: now)
    }
    for (index, (offset, record)) in taken.enumerated() {
      do {
        try await output.write(Message(record, offset: Offset(String(offset), partitionID: partition)))
      } catch {
        // Not sent: first in line for the next read.
        state.withLock { state in state.ledger.unsent(taken[index...].map(\.key)) }
        throw error
      }
    }
  }

  func readStreamEnded(_ stream: ReadStream) async {
    let reader = state.withLock { state in
      state.ledger.readStreamEnded(stream)
      return state.takeReader()
    }
    reader?.resume()
  }

  func ack(_ offsets: [Offset]) async throws {
    let (pump, strangers) = state.withLock { state in
      var strangers: [Offset] = []
      for offset in offsets {
        guard let number = number(of: offset), state.ledger.ack(number) else {
          strangers.append(offset)
          continue
        }
      }
      defer { state.pump = nil }
      return (state.pump, strangers)
    }
    pump?.resume()
    if !strangers.isEmpty {
      logger.warning(
        "ignoring acks of offsets not held: acked twice, or never read from this server",
        metadata: ["offsets": "\(strangers.map(\.description))"])
    }
  }

  func nack(_ offsets: [Offset], options: NackOptions?) async throws {
    let (reader, strangers) = state.withLock { state in
      var strangers: [Offset] = []
      for offset in offsets {
        guard let number = number(of: offset), state.ledger.nack(number) else {
          strangers.append(offset)
          continue
        }
      }
      return (state.takeReader(), strangers)
    }
    reader?.resume()
    if !strangers.isEmpty {
      logger.warning(
        "ignoring nacks of offsets not out for reading", metadata: ["offsets": "\(strangers.map(\.description))"])
    }
  }

  func pending() async throws -> Int? {
    let (available, finished) = state.withLock { ($0.ledger.waitingCount, $0.finished) }
    if finished { return available }
    return upstreamPending?().map { $0 + available }
  }

  /// The number of an offset this source assigned, or `nil`.
  private func number(of offset: Offset) -> UInt64? {
    guard offset.partitionID == partition else { return nil }
    return offset.text.flatMap { UInt64($0) }
  }

  /// Suspends until a record can be read, the sequence has ended, or the read is cancelled.
  private func waitForRecords() async {
    await suspend { continuation in
      state.withLock { state -> Bool in
        guard !state.hasWaiting(now: now()), !state.finished, !Task.isCancelled else { return false }
        state.reader = continuation
        return true
      }
    } onCancel: {
      state.withLock { $0.takeReader() }?.resume()
    }
  }

  /// Suspends while `maxUnacked` records are held, or until the pump is cancelled.
  private func waitForRoom() async {
    while !Task.isCancelled, state.withLock({ $0.ledger.heldCount >= maxUnacked }) {
      await parkPump()
    }
  }

  private func parkPump() async {
    await suspend { continuation in
      state.withLock { state -> Bool in
        guard state.ledger.heldCount >= maxUnacked, !Task.isCancelled else { return false }
        state.pump = continuation
        return true
      }
    } onCancel: {
      let pump = state.withLock { state in
        defer { state.pump = nil }
        return state.pump
      }
      pump?.resume()
    }
  }
}
