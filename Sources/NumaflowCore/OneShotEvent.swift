import Synchronization

/// Something that happens once and that any number of tasks can wait for.
///
/// `wait()` returns when the event is signalled or the waiting task is cancelled.
package final class OneShotEvent: Sendable {
  private enum State {
    case waiting([UInt64: CheckedContinuation<Void, Never>], nextID: UInt64)
    case signalled
  }

  private let state = Mutex(State.waiting([:], nextID: 0))

  package init() {}

  package var isSignalled: Bool {
    state.withLock { if case .signalled = $0 { true } else { false } }
  }

  /// Wakes every waiter, now and later. Signalling twice is harmless.
  package func signal() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      guard case .waiting(let waiters, _) = state else { return [] }
      state = .signalled
      return Array(waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Suspends until the event is signalled or this task is cancelled.
  package func wait() async {
    let id = state.withLock { state -> UInt64? in
      guard case .waiting(let waiters, let id) = state else { return nil }
      state = .waiting(waiters, nextID: id + 1)
      return id
    }
    guard let id else { return }
    await suspend { continuation in
      state.withLock { state -> Bool in
        guard case .waiting(var waiters, let next) = state, !Task.isCancelled else { return false }
        waiters[id] = continuation
        state = .waiting(waiters, nextID: next)
        return true
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
        guard case .waiting(var waiters, let next) = state else { return nil }
        let waiter = waiters.removeValue(forKey: id)
        state = .waiting(waiters, nextID: next)
        return waiter
      }
      waiter?.resume()
    }
  }
}
