import NIOCore
import NIOPosix
import Synchronization

/// Hands requests to the handler threads of sync mode in bursts. One per server: its streams
/// share the threads and the event loop.
///
/// A stream's reader runs on the connection's event loop and, in one turn of that loop,
/// reads every request that one socket read brought. Submitted to the pool one at a time, each
/// request would wake a pool thread that had gone to sleep after the previous one (a handler
/// quicker than the reader finds the pool empty every time): a futex wake and a context switch
/// per message, and the pool's lock taken by the loop and the threads in turn. Instead the
/// requests read in one turn are held until the turn ends, then queued here at once, and at
/// most one drainer per pool thread takes them from the queue, one after another, until it is
/// empty: a burst wakes at most one thread per pool thread, and slow requests still spread
/// over every thread.
package final class ThreadHandOff: Sendable {
  package typealias Work = @Sendable (NIOThreadPool.WorkItemState) -> Void

  private struct State {
    /// Submitted in the event loop's current turn.
    var held: [Work] = []
    /// Released, for the drainers to take in order.
    var queued = CircularBuffer<Work>()
    var drainers = 0
  }

  /// The pool, for work that is not a stream's (a batch, a keyed window).
  package let threads: NIOThreadPool
  private let threadCount: Int
  private let eventLoop: (any EventLoop)?
  private let state = Mutex(State())

  /// `threadCount` is the pool's. Without an event loop, work is released at once.
  package init(threads: NIOThreadPool, threadCount: Int, eventLoop: (any EventLoop)?) {
    self.threads = threads
    self.threadCount = max(1, threadCount)
    self.eventLoop = eventLoop
  }

  /// Runs `work` on a pool thread, after the event loop's current turn.
  package func submit(_ work: @escaping Work) {
    guard let eventLoop else {
      state.withLock { $0.held.append(work) }
      return release()
    }
    let isFirst = state.withLock { state in
      state.held.append(work)
      return state.held.count == 1
    }
    if isFirst { eventLoop.execute { self.release() } }
  }

  /// Queues what was held and starts the drainers it needs.
  private func release() {
    let starting = state.withLock { state in
      state.queued.append(contentsOf: state.held)
      state.held.removeAll(keepingCapacity: true)
      // A drainer may be busy with slow work: every queued work may need a thread of its own.
      let starting = max(0, min(threadCount - state.drainers, state.queued.count))
      state.drainers += starting
      return starting
    }
    for _ in 0..<starting { threads.submit { self.drain($0) } }
  }

  /// Runs queued work until there is none.
  private func drain(_ poolState: NIOThreadPool.WorkItemState) {
    while let work = nextWork() { work(poolState) }
  }

  private func nextWork() -> Work? {
    state.withLock { state in
      guard let work = state.queued.popFirst() else {
        state.drainers -= 1
        return nil
      }
      return work
    }
  }
}
