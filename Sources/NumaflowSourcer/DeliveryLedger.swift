import DequeModule

/// Who holds each record of a source between its read and its ack: the bookkeeping that keeps a
/// source at least once on the platform as it runs. `SourceServer(publishing:)` uses it; a
/// hand-written ``Sourcer`` can too.
///
/// numa does not always say when it lets a record go. For SDK languages it does not know (and
/// `swift` is one, in v1.8.3 and on main) it drops every nack without calling ``Sourcer/nack(_:options:)``,
/// and when its container or its streams restart, what it had read is simply gone. So the
/// ledger gives a record back for reading again:
///
/// - when numa nacks it (if numa ever calls ``nack(_:)``), first in line for the next read;
/// - when the read stream it went out on ends (``readStreamEnded(_:)``): numa cannot ack
///   what it read on a stream it no longer has, unless it does so very late;
/// - when it has been out for longer than ``ackTimeout`` with no ack (``expire(now:)``): a
///   visibility timeout, as message queues have.
///
/// A record is never out twice at once, and an ack clears it wherever it is, even after it was
/// given back: duplicates are the only price, never loss. numa drops a record it reads while
/// it still holds the same offset, so a record given back too early costs a read, not a
/// duplicate downstream.
///
/// ```swift
/// var ledger = DeliveryLedger<String, String>(ackTimeout: .seconds(60))
/// ledger.append("hello", key: "0")
/// let out = ledger.take(10, on: request.stream, now: .now)    // [("0", "hello")]
/// ledger.ack("0")                                               // gone for good
/// ```
public struct DeliveryLedger<Key: Hashable & Sendable, Record: Sendable>: Sendable {
  /// A record read and not yet acked, nacked or given back.
  private struct Out {
    var stream: ReadStream
    var delivery: UInt64
  }

  /// Deliveries in the order they went out, for ``expire(now:)``; stale once the key's
  /// current delivery differs.
  private struct Sent {
    var key: Key
    var delivery: UInt64
    var deadline: ContinuousClock.Instant
  }

  /// How long a record may be out without an ack before it is given back.
  public let ackTimeout: Duration

  private var records: [Key: Record] = [:]
  private var fresh = Deque<Key>()
  private var again = Deque<Key>()
  private var out: [Key: Out] = [:]
  private var sent = Deque<Sent>()
  private var nextDelivery: UInt64 = 0
  private var givenBack = 0

  /// - Parameter ackTimeout: How long a record may be out without an ack; `nil` for never.
  public init(ackTimeout: Duration?) {
    self.ackTimeout = ackTimeout ?? .seconds(Int64.max)
  }

  /// Every record held: not acked yet, whether out or waiting.
  public var heldCount: Int { records.count }

  /// Records out: read, and neither acked, nacked nor given back.
  public var outCount: Int { out.count }

  /// Records waiting to be read, new or given back.
  public var waitingCount: Int { records.count - out.count }

  /// How many times a record was given back (nacked, its stream ended, or timed out).
  public var redeliveries: Int { givenBack }

  /// Adds a new record, to be read after every record held before it. A key already held is
  /// replaced and keeps its place.
  public mutating func append(_ record: Record, key: Key) {
    if records.updateValue(record, forKey: key) == nil { fresh.append(key) }
  }

  /// Gives back the records out on `stream`, first in line for the next read, in the order
  /// they went out. Call it when numa's read stream ends.
  public mutating func readStreamEnded(_ stream: ReadStream) {
    var lost: [Key] = []
    for delivery in sent
    where out[delivery.key].map({ $0.delivery == delivery.delivery && $0.stream == stream }) == true {
      lost.append(delivery.key)
    }
    giveBack(lost, first: true)
  }

  /// Gives back every record out for longer than ``ackTimeout``; returns how many.
  @discardableResult
  public mutating func expire(now: ContinuousClock.Instant) -> Int {
    var expired: [Key] = []
    while let first = sent.first, first.deadline <= now {
      sent.removeFirst()
      if out[first.key]?.delivery == first.delivery { expired.append(first.key) }
    }
    giveBack(expired, first: false)
    return expired.count
  }

  /// Takes up to `count` records for a read on `stream`: given-back ones first, then new ones,
  /// and marks them out. Records given back by time come after those of ended streams and nacks.
  public mutating func take(_ count: Int, on stream: ReadStream, now: ContinuousClock.Instant) -> [(
    key: Key, record: Record
  )] {
    var taken: [(key: Key, record: Record)] = []
    taken.reserveCapacity(min(count, waitingCount))
    let deadline = now.advanced(by: ackTimeout)
    while taken.count < count, let key = again.popFirst() ?? fresh.popFirst() {
      // Stale entries: acked since it was queued, or already out again.
      guard let record = records[key], out[key] == nil else { continue }
      out[key] = Out(stream: stream, delivery: nextDelivery)
      sent.append(Sent(key: key, delivery: nextDelivery, deadline: deadline))
      nextDelivery &+= 1
      taken.append((key, record))
    }
    return taken
  }

  /// Puts back records that were taken but never sent (the read failed or was cancelled before
  /// they went out), first in line, in the order given.
  public mutating func unsent(_ keys: some Collection<Key>) {
    for key in keys.reversed() where out.removeValue(forKey: key) != nil { again.prepend(key) }
  }

  /// numa acked `key`: it is gone for good, wherever it was. Returns `false` for a key not held
  /// (acked already, or never this ledger's), which numa's retried acks make harmless.
  @discardableResult
  public mutating func ack(_ key: Key) -> Bool {
    out.removeValue(forKey: key)
    defer { dropStaleDeliveries() }
    return records.removeValue(forKey: key) != nil
  }

  /// numa nacked `key`: it is read again, after the records given back before it. Returns
  /// `false` for a key that is not out.
  @discardableResult
  public mutating func nack(_ key: Key) -> Bool {
    guard out[key] != nil else { return false }
    giveBack([key], first: false)
    return true
  }

  /// Forgets the oldest deliveries once they are settled, so that `sent` holds about what is
  /// out rather than everything sent within the ack timeout.
  private mutating func dropStaleDeliveries() {
    while let first = sent.first, out[first.key]?.delivery != first.delivery { sent.removeFirst() }
  }

  private mutating func giveBack(_ keys: [Key], first: Bool) {
    for key in keys { out.removeValue(forKey: key) }
    dropStaleDeliveries()
    givenBack += keys.count
    if first { again.insert(contentsOf: keys, at: 0) } else { again.append(contentsOf: keys) }
  }
}

/// One of numa's `ReadFn` streams, as a ``ReadRequest`` names it: numa opens a new one whenever
/// its container or its connection to the UDF restarts.
public struct ReadStream: Sendable, Hashable, CustomStringConvertible {
  let number: UInt64

  package init(number: UInt64) { self.number = number }

  public var description: String { "read stream \(number)" }
}
