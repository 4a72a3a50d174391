import NIOCore
import Synchronization

/// Holds a fast writer back to the pace at which the transport really sends.
///
/// A gRPC writer suspends only once the HTTP/2 stream has turned unwritable, and the stream
/// learns that on its event loop. A handler writing from another thread can queue writes on
/// that loop much faster than the loop works through them; until it does, the writer still
/// reads as writable, so the queue (and the server's memory) grows with everything the
/// handler writes. The pacer closes that gap: after every `budget` bytes it waits for one task
/// on each of the transport's event loops. Loop tasks run in order, so once that task has run
/// every earlier write has reached the stream, its writability is current, and the next write
/// suspends if numa is not keeping up. What can be queued ahead of the transport is therefore
/// about `budget` bytes per stream, whatever the handler writes.
///
/// One pacer serves one stream; the handlers writing on that stream share it.
package final class OutboundPacer: Sendable {
  /// Bytes written between two waits on the event loops.
  package static let defaultBudget = 256 * 1024
  /// What a message costs besides its payload (ids, keys, framing), so that a stream of tiny
  /// messages is paced too.
  package static let messageOverhead = 64

  private let eventLoops: [any EventLoop]
  private let budget: Int
  private let unpaced = Atomic<Int>(0)

  /// A pacer for streams served on `eventLoops`; with none (the in-process transport) it
  /// never waits.
  package init(eventLoops: [any EventLoop], budget: Int = OutboundPacer.defaultBudget) {
    self.eventLoops = eventLoops
    self.budget = budget
  }

  /// Counts a written message of `payloadBytes`; once the budget is spent, waits until the
  /// event loops have caught up with everything written so far.
  package func wrote(payloadBytes: Int) async throws {
    guard !eventLoops.isEmpty else { return }
    let total = unpaced.add(payloadBytes + Self.messageOverhead, ordering: .relaxed).newValue
    guard total >= budget else { return }
    for loop in eventLoops {
      try await loop.submit {}.get()
    }
    unpaced.subtract(total, ordering: .relaxed)
  }
}
