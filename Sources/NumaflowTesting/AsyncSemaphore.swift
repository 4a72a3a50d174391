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

  func acquire() async {
    await withCheckedContinuation { continuation in
      let acquired = state.withLock { state -> Bool in
        guard state.permits > 0 else {
          state.waiters.append(continuation)
          return false
        }
        state.permits -= 1
        return true
      }
      if acquired { continuation.resume() }
    }
  }

  func release() {
    let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
      guard !state.waiters.isEmpty else {
        state.permits += 1
        return nil
      }
      return state.waiters.removeFirst()
    }
    waiter?.resume()
  }
}
