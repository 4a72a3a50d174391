import DequeModule
import Logging
import NumaflowCore
import Synchronization

/// The bookkeeping behind `SourceServer(publishing:)`, which hand-written sources get wrong:
///
/// - It assigns offsets: a running number, as text, on this replica's partition.
/// - It keeps every record until numa acks it, and redelivers nacked records before new ones.
///   An offset still in flight (read, not yet acked or nacked) is never sent again: numa
///   drops such a duplicate without acking it (numaproj/numaflow#3429).
/// - It holds at most `maxUnacked` records; at the bound it stops pulling from the sequence,
///   so a fast sequence is held back instead of filling memory.
/// - An ack or nack of an offset it does not hold in flight (a retried ack, a stranger) is
///   logged and otherwise ignored: acks must be idempotent, since numa retries them.
///
/// At least once: a record leaves the server's memory only when numa acks it. Records held
/// when the process ends (read or not) are gone with it; after a restart they come again only
/// if the sequence's own upstream replays what it was not told was done (a broker's
/// unacknowledged messages, a file read from a saved position).
final class SequenceSource: Sourcer {
  private struct State {
    /// Every record held: pulled and not yet acked.
    var records: [UInt64: SourceRecord] = [:]
    /// New records, in order, not yet read.
    var ready = Deque<UInt64>()
    /// Nacked (or unsent) records, read before new ones.
    var redeliver = Deque<UInt64>()
    /// Read and neither acked nor nacked yet.
    var inFlight = Set<UInt64>()
    var nextOffset: UInt64 = 0
    /// The sequence has ended.
    var finished = false
    /// A read waiting for records.
    var reader: CheckedContinuation<Void, Never>?
    /// The pump waiting for room.
    var pump: CheckedContinuation<Void, Never>?

    var available: Int { ready.count + redeliver.count }

    mutating func take(_ count: Int) -> [UInt64] {
      var taken: [UInt64] = []
      while taken.count < count, let next = redeliver.popFirst() ?? ready.popFirst() {
        taken.append(next)
        inFlight.insert(next)
      }
      return taken
    }
  }

  private let state = Mutex(State())
  private let maxUnacked: Int
  private let upstreamPending: (@Sendable () -> Int?)?
  private let logger: Logger
  private let partition = Partitions.replica

  init(maxUnacked: Int, upstreamPending: (@Sendable () -> Int?)?, logger: Logger) {
    self.maxUnacked = max(1, maxUnacked)
    self.upstreamPending = upstreamPending
    self.logger = logger
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
          state.records[state.nextOffset] = record
          state.ready.append(state.nextOffset)
          state.nextOffset += 1
          defer { state.reader = nil }
          return state.reader
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
      defer { state.reader = nil }
      return state.reader
    }
    reader?.resume()
  }

  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    await waitForRecords()
    let (offsets, records) = state.withLock { state in
      let offsets = state.take(request.count)
      return (offsets, offsets.map { state.records[$0]! })
    }
    for (index, offset) in offsets.enumerated() {
      do {
        try await output.write(Message(records[index], offset: Offset(String(offset), partitionID: partition)))
      } catch {
        // Not sent: out of flight, and first in line for the next read.
        let unsent = offsets[index...]
        state.withLock { state in
          for offset in unsent.reversed() {
            state.inFlight.remove(offset)
            state.redeliver.prepend(offset)
          }
        }
        throw error
      }
    }
  }

  func ack(_ offsets: [Offset]) async throws {
    let (pump, strangers) = state.withLock { state in
      var strangers: [Offset] = []
      for offset in offsets {
        guard let number = number(of: offset), state.inFlight.remove(number) != nil else {
          strangers.append(offset)
          continue
        }
        state.records[number] = nil
      }
      defer { state.pump = nil }
      return (state.pump, strangers)
    }
    pump?.resume()
    if !strangers.isEmpty {
      logger.warning(
        "ignoring acks of offsets not in flight: acked twice, or never read from this server",
        metadata: ["offsets": "\(strangers.map(\.description))"])
    }
  }

  func nack(_ offsets: [Offset], options: NackOptions?) async throws {
    let (reader, strangers) = state.withLock { state in
      var strangers: [Offset] = []
      for offset in offsets {
        guard let number = number(of: offset), state.inFlight.remove(number) != nil else {
          strangers.append(offset)
          continue
        }
        state.redeliver.append(number)
      }
      defer { state.reader = nil }
      return (state.reader, strangers)
    }
    reader?.resume()
    if !strangers.isEmpty {
      logger.warning(
        "ignoring nacks of offsets not in flight", metadata: ["offsets": "\(strangers.map(\.description))"])
    }
  }

  func pending() async throws -> Int? {
    let (available, finished) = state.withLock { ($0.available, $0.finished) }
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
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let resumeNow = state.withLock { state -> Bool in
          guard state.available == 0, !state.finished, !Task.isCancelled else { return true }
          state.reader = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let reader = state.withLock { state in
        defer { state.reader = nil }
        return state.reader
      }
      reader?.resume()
    }
  }

  /// Suspends while `maxUnacked` records are held, or until the pump is cancelled.
  private func waitForRoom() async {
    while !Task.isCancelled, state.withLock({ $0.records.count >= maxUnacked }) {
      await parkPump()
    }
  }

  private func parkPump() async {
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let resumeNow = state.withLock { state -> Bool in
          guard state.records.count >= maxUnacked, !Task.isCancelled else { return true }
          state.pump = continuation
          return false
        }
        if resumeNow { continuation.resume() }
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
