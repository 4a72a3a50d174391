/// A user-defined source: the start of a pipeline. numa reads from it in batches, then acks
/// what it has processed (or nacks what it wants again).
///
/// ```swift
/// final class Counter: Sourcer {
///   let state = Mutex((next: 0, unacked: Set<Int>()))
///
///   func read(_ request: ReadRequest, output: MessageWriter) async throws {
///     for _ in 0..<request.count {
///       let index = state.withLock { state in defer { state.next += 1 }; state.unacked.insert(state.next); return state.next }
///       try await output.write(Message("\(index)", offset: Offset("\(index)"), eventTime: Date()))
///     }
///   }
///
///   func ack(_ offsets: [Offset]) async throws {
///     state.withLock { state in for offset in offsets { state.unacked.remove(Int(offset.text ?? "") ?? -1) } }
///   }
///
///   func nack(_ offsets: [Offset], options: NackOptions?) async throws {}
/// }
/// await SourceServer(sourcer: Counter()).runService()
/// ```
///
/// numa reads on one `ReadFn` stream, one read at a time, and acks on another stream, by batch
/// or (on main, streaming) message by message; with read-ahead it reads the next batch before
/// it acks the last, so a read and an ack may run at once. Pending and partitions are polled
/// in between. Acks are retried until they succeed, so ``ack(_:)`` must accept an offset
/// twice. A thrown error is a UDF failure (reported, persisted, exit status 1).
///
/// numa does not always say what it let go of: it never calls ``nack(_:options:)`` for a
/// `swift` source, and its restarts end ``ReadRequest/stream`` with records unacked. This
/// counter loses them; a source that must not keeps its records in a ``DeliveryLedger``.
///
/// To publish an existing `AsyncSequence` (a socket reader, a file tail, a vendor SDK's
/// callbacks), use `SourceServer(publishing:)` instead: it does this bookkeeping for you.
public protocol Sourcer: Sendable {
  /// Writes at most `request.count` messages to `output`, each as soon as it is available, and
  /// returns. Return early when there is nothing more for now: an empty read is fine. The read
  /// is cancelled when `request.timeout` is over; what it wrote by then is sent.
  func read(_ request: ReadRequest, output: MessageWriter) async throws

  /// numa processed these offsets: forget them.
  func ack(_ offsets: [Offset]) async throws

  /// numa wants these offsets again: deliver them in a later read. `options` carries the
  /// delay and reason numa sent.
  ///
  /// The platform calls this only for SDK languages it knows: for `swift` it does not (it
  /// treats a nack as done), so until it does, a message numa refuses is not redelivered by
  /// numa's request. The method is served all the same, and tested.
  func nack(_ offsets: [Offset], options: NackOptions?) async throws

  /// numa's `ReadFn` stream `stream` ended: numa restarted (its container, or its connection to
  /// this one) and let go of every message it read on that stream without acking it. Deliver
  /// them again in a later read (``DeliveryLedger/readStreamEnded(_:)`` does). Default: nothing.
  func readStreamEnded(_ stream: ReadStream) async

  /// How many messages are waiting to be read, or `nil` when the source cannot tell.
  func pending() async throws -> Int?

  /// The partitions this replica reads. Default: `[Partitions.replica]`.
  func partitions() async throws -> [Int32]

  /// How many partitions the source has in all, or `nil` when it cannot tell. Default `nil`.
  func totalPartitions() async throws -> Int32?
}

extension Sourcer {
  public func readStreamEnded(_ stream: ReadStream) async {}

  public func pending() async throws -> Int? { nil }

  public func partitions() async throws -> [Int32] { [Partitions.replica] }

  public func totalPartitions() async throws -> Int32? { nil }
}
