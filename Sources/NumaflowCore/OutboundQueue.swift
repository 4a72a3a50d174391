import GRPCCore
import NIOCore
import NumaflowProtos
import Synchronization

/// The one way out for a stream's responses: handlers ``send(_:)`` them, and a single writer
/// task hands whatever has gathered to gRPC at once.
///
/// Why not write each response as it is ready:
/// - **CPU.** Every write crosses to the connection's event loop and drives a flush through the
///   gRPC and HTTP/2 handlers; under load that was a quarter of the server's CPU per message.
///   Written together, the responses that gathered while the previous write went out share one
///   crossing and one flush.
/// - **Memory.** A gRPC writer learns that numa has stopped reading only on the event loop, so a
///   handler writing from elsewhere can queue output there without bound. After every
///   ``pacingBudget`` bytes the writer waits for one task on each of the transport's event loops;
///   loop tasks run in order, so by then every earlier write has reached the HTTP/2 stream and
///   its writability is current, and the next write suspends if numa is not keeping up.
/// - **Order.** One queue per stream keeps what one handler sends in the order it sent it (a
///   stream map's outputs, then its EOT).
///
/// At most `limit` answers wait in the queue (a response's `weight`: one, or the results a sink
/// response carries); past that ``send(_:)`` suspends, so a stalled numa holds the handlers
/// back instead of filling the server's memory.
package final class OutboundQueue<Response: Sendable>: Sendable {
  /// Bytes written between two waits on the event loops.
  package static var pacingBudget: Int { 256 * 1024 }
  /// What a response costs besides its payload (ids, keys, framing), so that a stream of tiny
  /// messages is paced too.
  static var responseOverhead: Int { 64 }

  private struct State {
    var pending: [Response] = []
    /// The answers `pending` carries, which `limit` bounds.
    var pendingWeight = 0
    /// The writer, parked while there is nothing to write.
    var writer: CheckedContinuation<Void, Never>?
    /// Senders parked while the queue is full, by ticket.
    var senders: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var nextTicket: UInt64 = 0
    /// No more responses will come; the writer stops once the queue is empty.
    var finished = false
    /// The stream is gone: responses are dropped (numa re-sends what it did not get).
    var broken = false
    /// How many of `pending` came through ``enqueue(_:)``, and whom to tell when they leave
    /// the queue (the stream's in-flight count, which they are still part of).
    var enqueued = 0
    var releaseEnqueued: (@Sendable (Int) -> Void)?

    /// What the writer does next.
    enum Next {
      /// `released` of the batch came through `enqueue`, and `release` is told so.
      case batch(
        [Response], senders: [CheckedContinuation<Void, Never>], released: Int,
        release: (@Sendable (Int) -> Void)?)
      case done
      case wait
    }

    mutating func takeSenders() -> [CheckedContinuation<Void, Never>] {
      defer { senders.removeAll() }
      return Array(senders.values)
    }
  }

  private let state = Mutex(State())
  private let limit: Int
  private let eventLoops: [any EventLoop]
  /// The payload bytes of a response.
  private let cost: @Sendable (Response) -> Int
  /// How many answers a response carries.
  private let weight: @Sendable (Response) -> Int

  private init(
    limit: Int, eventLoops: [any EventLoop], cost: @escaping @Sendable (Response) -> Int,
    weight: @escaping @Sendable (Response) -> Int
  ) {
    self.limit = limit
    self.eventLoops = eventLoops
    self.cost = cost
    self.weight = weight
  }

  /// Runs `body` with the outbound queue of a stream of `shape` (its responses' cost and
  /// weight), writing to `writer`: how every kind opens a stream before it runs one of the
  /// core's loops on it. When `body` is done, everything it sent is written before this returns
  /// or rethrows; after the shutdown grace period the writer is cancelled instead.
  package static func withQueue<Request: Sendable, Value: Sendable>(
    writingTo writer: RPCWriter<Response>,
    shape: StreamShape<Request, Response>,
    lifecycle: ServerLifecycle,
    body: (OutboundQueue) async throws -> Value
  ) async throws -> Value {
    try await withQueue(
      writing: { try await writer.write(contentsOf: $0) }, shape: shape, lifecycle: lifecycle, body: body)
  }

  /// The same, each batch handed to `write` (a writer of another message type, say).
  package static func withQueue<Request: Sendable, Value: Sendable>(
    writing write: @escaping @Sendable ([Response]) async throws -> Void,
    shape: StreamShape<Request, Response>,
    lifecycle: ServerLifecycle,
    body: (OutboundQueue) async throws -> Value
  ) async throws -> Value {
    try await withQueue(
      limit: lifecycle.configuration.maxConcurrentRequests,
      eventLoops: lifecycle.eventLoops,
      cost: shape.cost,
      weight: shape.weight,
      cancelWriterIf: lifecycle.forcedStop,
      write: write,
      body: body
    )
  }

  /// Runs `body` with a queue whose batches go to `write`, paced on `eventLoops`: at most
  /// `limit` answers wait (each response counts `weight`, one by default). When `body` is
  /// done, everything it sent is written before this returns or rethrows, unless `forcedStop`
  /// has been signalled by then (the writer is then cancelled).
  package static func withQueue<Value: Sendable>(
    limit: Int,
    eventLoops: [any EventLoop],
    cost: @escaping @Sendable (Response) -> Int,
    weight: @escaping @Sendable (Response) -> Int = { _ in 1 },
    cancelWriterIf forcedStop: OneShotEvent? = nil,
    write: @escaping @Sendable ([Response]) async throws -> Void,
    body: (OutboundQueue) async throws -> Value
  ) async throws -> Value {
    let queue = OutboundQueue(limit: limit, eventLoops: eventLoops, cost: cost, weight: weight)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await queue.drain(using: write) }
      let outcome: Result<Value, any Error>
      do { outcome = .success(try await body(queue)) } catch { outcome = .failure(error) }
      queue.finish()
      if forcedStop?.isSignalled == true { group.cancelAll() }
      try await group.waitForAll()
      return try outcome.get()
    }
  }

  /// Queues `response`; suspends while the queue is full.
  /// - Throws: ``StreamEnded`` when the stream to numa has ended (the response is dropped; numa
  ///   re-sends what it did not get).
  ///
  /// Pre-specialized for the windowed kinds' responses, which their tasks send from the kinds'
  /// modules (see ``serveKeyedTasks(requests:outbound:shape:handlerName:lifecycle:route:afterAll:)``).
  @_specialize(exported:true,where Response == Reduce_V1_ReduceResponse)
  @_specialize(exported:true,where Response == Sessionreduce_V1_SessionReduceResponse)
  @_specialize(exported:true,where Response == Accumulator_V1_AccumulatorResponse)
  nonisolated(nonsending) package func send(_ response: Response) async throws {
    try await send(contentsOf: CollectionOfOne(response))
  }

  /// Queues `responses` together, so that they leave in one write if the writer is idle (a
  /// batch and its EOT); suspends while the queue is full.
  /// - Throws: ``StreamEnded`` when the stream to numa has ended.
  nonisolated(nonsending) package func send(contentsOf responses: some Collection<Response>) async throws {
    let added = responses.reduce(0) { $0 + weight($1) }
    let (writer, ticket) = try state.withLock { state -> (CheckedContinuation<Void, Never>?, UInt64?) in
      guard !state.broken, !state.finished else { throw StreamEnded() }
      state.pending.append(contentsOf: responses)
      state.pendingWeight += added
      let writer = state.writer
      state.writer = nil
      guard state.pendingWeight >= limit else { return (writer, nil) }
      state.nextTicket += 1
      return (writer, state.nextTicket)
    }
    writer?.resume()
    if let ticket { await waitForSpace(ticket: ticket) }
  }

  /// Queues `response` without waiting, for a caller on a thread that cannot suspend (sync
  /// mode's handler threads). Such responses count against the caller's bound until the writer
  /// takes them: it reports how many it took to the function given to
  /// ``releasingEnqueued(to:)``. Returns `false` when the stream has ended and the response was
  /// dropped (the caller's slot is then its own to release).
  package func enqueue(_ response: Response) -> Bool {
    let added = weight(response)
    let (queued, writer) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
      guard !state.broken, !state.finished else { return (false, nil) }
      state.pending.append(response)
      state.pendingWeight += added
      state.enqueued += 1
      defer { state.writer = nil }
      return (true, state.writer)
    }
    writer?.resume()
    return queued
  }

  /// Whether a ``send(_:)`` would wait now: the answers waiting reach the limit.
  var isFull: Bool { state.withLock { $0.pendingWeight >= limit } }

  /// Suspends while the queue is full: for a stream's reader, so that it takes no more
  /// requests while their answers could not be sent (tasks that write on their own schedule,
  /// such as a session's, would otherwise pile up behind a stalled numa). Returns at once when
  /// there is room or the stream has ended.
  package func waitForRoom() async {
    let ticket = state.withLock { state -> UInt64? in
      guard !state.broken, state.pendingWeight >= limit else { return nil }
      state.nextTicket += 1
      return state.nextTicket
    }
    if let ticket { await waitForSpace(ticket: ticket) }
  }

  /// Tells `release` how many enqueued responses left the queue, each time some do.
  package func releasingEnqueued(to release: @escaping @Sendable (Int) -> Void) {
    state.withLock { $0.releaseEnqueued = release }
  }

  /// No more responses will be sent.
  private func finish() {
    let writer = state.withLock { state in
      state.finished = true
      defer { state.writer = nil }
      return state.writer
    }
    writer?.resume()
  }

  /// Writes batches until the queue is finished and empty, the stream fails, or the task is
  /// cancelled.
  private func drain(using write: @Sendable ([Response]) async throws -> Void) async {
    var unpaced = 0
    while let batch = await nextBatch() {
      do {
        try await write(batch)
        // Nothing to pace on for the in-process transport.
        guard !eventLoops.isEmpty else { continue }
        unpaced += batch.reduce(0) { $0 + cost($1) + Self.responseOverhead }
        if unpaced >= Self.pacingBudget {
          for loop in eventLoops { try await loop.submit {}.get() }
          unpaced = 0
        }
      } catch {
        // The peer has gone or the stream was cancelled: the read side ends it.
        let (senders, released, release) = state.withLock { state in
          state.broken = true
          state.pending.removeAll()
          state.pendingWeight = 0
          defer { state.enqueued = 0 }
          return (state.takeSenders(), state.enqueued, state.releaseEnqueued)
        }
        for sender in senders { sender.resume() }
        if released > 0 { release?(released) }
        return
      }
    }
  }

  /// Everything queued so far, waking the senders waiting for space; `nil` once finished and
  /// empty, or when the task is cancelled.
  private func nextBatch() async -> [Response]? {
    while !Task.isCancelled {
      let next = state.withLock { state -> State.Next in
        if !state.pending.isEmpty {
          defer {
            state.pending.removeAll(keepingCapacity: true)
            state.pendingWeight = 0
            state.enqueued = 0
          }
          return .batch(
            state.pending, senders: state.takeSenders(), released: state.enqueued, release: state.releaseEnqueued)
        }
        return state.finished ? .done : .wait
      }
      switch next {
      case .batch(let batch, let senders, let released, let release):
        for sender in senders { sender.resume() }
        if released > 0 { release?(released) }
        return batch
      case .done:
        return nil
      case .wait:
        await suspend { continuation in
          state.withLock { state -> Bool in
            guard state.pending.isEmpty, !state.finished, !Task.isCancelled else { return false }
            state.writer = continuation
            return true
          }
        } onCancel: {
          let writer = state.withLock { state in
            defer { state.writer = nil }
            return state.writer
          }
          writer?.resume()
        }
      }
    }
    return nil
  }

  /// Parks a sender until the writer takes the queue's contents, the stream ends, or the
  /// sender is cancelled.
  private func waitForSpace(ticket: UInt64) async {
    await suspend { continuation in
      state.withLock { state -> Bool in
        guard !state.broken, state.pendingWeight >= limit, !Task.isCancelled else { return false }
        state.senders[ticket] = continuation
        return true
      }
    } onCancel: {
      let sender = state.withLock { $0.senders.removeValue(forKey: ticket) }
      sender?.resume()
    }
  }
}

/// The stream to numa ended while a handler was still sending on it. Not a UDF failure: numa
/// re-sends whatever it did not get an answer for.
package struct StreamEnded: Error, CustomStringConvertible {
  package var description: String { "the stream to numa has ended; numa re-sends unanswered requests" }
}
