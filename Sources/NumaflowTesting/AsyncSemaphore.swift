import Synchronization

/// Counts permits for a client that keeps a bounded number of requests in flight.
final class AsyncSemaphore: Sendable {
  private struct State {
    var permits: Int
    var waiters: [CheckedContinuation<Void, Never>] = []
  }

  private let state: Mutex<State>

  init(permits: Int) {
    state = Mutex(State(permits: permits))
  }

  /// Waits for one permit and takes it.
  func acquire() async {
    _ = await acquire(upTo: 1)
  }

  /// Waits until a permit is free, then takes every free one up to `limit`: a sender wakes
  /// once for all the answers that came in while it waited, not once per answer.
  func acquire(upTo limit: Int) async -> Int {
    while true {
      let taken = state.withLock { state -> Int in
        let taken = min(state.permits, limit)
        state.permits -= taken
        return taken
      }
      if taken > 0 { return taken }
      await withCheckedContinuation { continuation in
        let parked = state.withLock { state -> Bool in
          guard state.permits == 0 else { return false }
          state.waiters.append(continuation)
          return true
        }
        if !parked { continuation.resume() }
      }
    }
  }

  func release() {
    let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
      state.permits += 1
      return state.waiters.isEmpty ? nil : state.waiters.removeFirst()
    }
    waiter?.resume()
  }
}
