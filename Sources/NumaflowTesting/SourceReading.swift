import DequeModule
import NumaflowSourcer
import Synchronization

/// How numa drives a source: what `SourceTestClient.run` and `numaflow-dev run source` play.
/// The defaults are numa's own (read 500 within 1 s, ack a batch before the next read); the
/// other settings are the interleavings the platform produces too (upstream
/// `rust/numaflow-core/src/source.rs`, v1.8.3 and main).
///
/// ```swift
/// var reading = SourceReading()
/// reading.readAhead = 2            // NUMAFLOW_READ_AHEAD: the next read before the last ack
/// reading.restartEvery = 10        // numa's container restarts every 10 reads
/// reading.sendsNacks = false       // what numa does for a `swift` source
/// reading.nackEvery = 7
/// let report = try await client.run(reading, total: 1_000)
/// #expect(report.lost.isEmpty)
/// ```
public struct SourceReading: Sendable {
  /// Messages asked for per read (numa's `readBatchSize`).
  public var batchSize = 500
  /// Each read's timeout (numa's `readTimeout`).
  public var readTimeout: Duration = .seconds(1)
  /// Reads made before the oldest unacked one is acked. 1, numa's default, acks each read
  /// before the next; more is numa's read-ahead (`NUMAFLOW_READ_AHEAD`).
  public var readAhead = 1
  /// Acks each message in a request of its own, in shuffled order, as numa's streaming source
  /// does on main.
  public var acksPerMessage = false
  /// Ends both streams after this many reads and opens new ones, as a restart of numa does:
  /// what was read and not acked is dropped, never acked.
  public var restartEvery: Int?
  /// Nacks every K-th message read instead of acking it.
  public var nackEvery: Int?
  /// Whether nacks reach the source. numa drops them, logging "ignoring nack request", for
  /// SDK languages it does not know; `swift` is one in v1.8.3 and on main.
  public var sendsNacks = true
  /// How long to go on reading, once `total` messages came, for those still owed: read and
  /// never acked, so due again from an at-least-once source.
  public var settle: Duration = .seconds(10)
  /// Seeds the order of per-message acks.
  public var seed: UInt64 = 1

  public init() {}
}

/// What a run of ``SourceTestClient/run(_:total:timeLimit:onMessage:)`` saw, with its verdict
/// on at-least-once delivery.
public struct SourceRunReport: Sendable, CustomStringConvertible {
  /// Messages read, redeliveries included.
  public var read = 0
  /// Offsets acked.
  public var acked = 0
  /// Nacks sent, and nacks dropped as numa drops them for `swift`.
  public var nacked = 0
  public var nacksDropped = 0
  /// Times the streams were ended and opened again.
  public var restarts = 0
  /// Reads of an offset read before and never acked: the redeliveries at-least-once needs.
  public var redelivered = 0
  /// Offsets read again after they were acked: duplicates downstream would see.
  public var duplicates: [Offset] = []
  /// Offsets read, never acked, and not read again by the end: lost.
  public var lost: [Offset] = []

  public var description: String {
    var text =
      "\(read) read, \(acked) acked, \(nacked) nacked, \(nacksDropped) nacks dropped, \(restarts) restarts, "
      + "\(redelivered) redelivered, \(duplicates.count) duplicates, \(lost.count) lost"
    if !lost.isEmpty {
      text +=
        "; lost offsets (read, then nacked, dropped by a restart or left unacked, and never read again): "
        + lost.prefix(10).map(\.description).joined(separator: ", ") + (lost.count > 10 ? ", …" : "")
    }
    if !duplicates.isEmpty {
      text += "; read again after their ack: " + duplicates.prefix(10).map(\.description).joined(separator: ", ")
    }
    return text
  }
}

extension SourceTestClient {
  /// Reads and acks as numa does, as `reading` says, until `total` messages were read; then
  /// goes on reading for at most `reading.settle` while offsets are owed, and reports what
  /// was lost or duplicated. Gives up after `timeLimit`. Calls `onMessage` for each message
  /// read, with whether it is nacked.
  public func run(
    _ reading: SourceReading = SourceReading(),
    total: Int,
    timeLimit: Duration = .seconds(60),
    onMessage: @escaping @Sendable (NumaflowSourcer.Message, _ nacked: Bool) -> Void = { _, _ in }
  ) async throws -> SourceRunReport {
    let book = SourceRunBook(reading, onMessage: onMessage)
    let deadline = ContinuousClock.now + timeLimit
    try await withConnection { client in
      // Streams end only for a restart: what is owed is then read on the same streams, so
      // that a source must give it back by itself (its ack timeout), as it must under numa.
      while ContinuousClock.now < deadline {
        let restarted = try await client.streams { streams in
          let due = try await book.play(on: streams, client: client, deadline: deadline, settling: false) {
            min(reading.batchSize, total - $0)
          }
          if due { return true }
          let settled = min(deadline, ContinuousClock.now + reading.settle)
          _ = try await book.play(on: streams, client: client, deadline: settled, settling: true) { _ in
            min(reading.batchSize, book.owedCount)
          }
          return false
        }
        guard restarted else { break }
        book.restarted()
      }
    }
    return book.report
  }
}

/// The running account of a source run, shared by the calls of one run, one at a time.
private final class SourceRunBook: Sendable {
  private struct State {
    var report = SourceRunReport()
    var everRead = Set<Offset>()
    var ackedOffsets = Set<Offset>()
    var owed: [Offset: Int] = [:]
    var random: SplitMix
  }

  private let reading: SourceReading
  private let onMessage: @Sendable (NumaflowSourcer.Message, Bool) -> Void
  private let state: Mutex<State>

  init(_ reading: SourceReading, onMessage: @escaping @Sendable (NumaflowSourcer.Message, Bool) -> Void) {
    self.reading = reading
    self.onMessage = onMessage
    state = Mutex(State(random: SplitMix(seed: reading.seed)))
  }

  var read: Int { state.withLock { $0.report.read } }
  var owedCount: Int { state.withLock { $0.owed.count } }

  var report: SourceRunReport {
    state.withLock { state in
      var report = state.report
      report.lost = state.owed.sorted { $0.value < $1.value }.map(\.key)
      return report
    }
  }

  func restarted() { state.withLock { $0.report.restarts += 1 } }

  /// Reads on `streams` as many messages as `want(read so far)` says, until it says none, the
  /// deadline passes, or (unless settling) a restart is due; returns whether it stopped for a
  /// restart. Acks follow `readAhead`.
  func play(
    on streams: SourceStreams, client: SourceTestClient, deadline: ContinuousClock.Instant, settling: Bool,
    want: @Sendable (Int) -> Int
  ) async throws -> Bool {
    var unacked = Deque<[Offset]>()
    var reads = 0
    while case let count = want(read), count > 0, ContinuousClock.now < deadline {
      if !settling, let restartEvery = reading.restartEvery, reads >= restartEvery { return true }
      let messages = try await streams.read(count: count, timeout: reading.readTimeout)
      reads += 1
      var toNack: [Offset] = []
      var toAck: [Offset] = []
      for message in messages {
        let nacked = state.withLock { state in
          state.report.read += 1
          if state.ackedOffsets.contains(message.offset) {
            state.report.duplicates.append(message.offset)
          } else {
            if state.everRead.contains(message.offset) { state.report.redelivered += 1 }
            state.owed[message.offset] = state.owed[message.offset] ?? state.everRead.count
          }
          state.everRead.insert(message.offset)
          return !settling && reading.nackEvery.map { state.report.read % $0 == 0 } ?? false
        }
        if nacked { toNack.append(message.offset) } else { toAck.append(message.offset) }
        onMessage(message, nacked)
      }
      unacked.append(toAck)
      while unacked.count >= reading.readAhead, let batch = unacked.popFirst() { try await ack(batch, on: streams) }
      if !toNack.isEmpty {
        if reading.sendsNacks { try await client.nack(toNack) }
        state.withLock { state in
          if reading.sendsNacks {
            state.report.nacked += toNack.count
          } else {
            state.report.nacksDropped += toNack.count
          }
        }
      }
    }
    while let batch = unacked.popFirst() { try await ack(batch, on: streams) }
    return false
  }

  private func ack(_ offsets: [Offset], on streams: SourceStreams) async throws {
    guard !offsets.isEmpty else { return }
    if reading.acksPerMessage {
      let shuffled = state.withLock { offsets.shuffled(using: &$0.random) }
      for offset in shuffled { try await streams.ack([offset]) }
    } else {
      try await streams.ack(offsets)
    }
    state.withLock { state in
      for offset in offsets where state.ackedOffsets.insert(offset).inserted {
        state.report.acked += 1
        state.owed[offset] = nil
      }
    }
  }
}

/// A small seeded generator, so that a run's ack order can be replayed.
private struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
