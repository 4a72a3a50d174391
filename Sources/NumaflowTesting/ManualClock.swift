import NumaflowCore
import Synchronization

/// A clock a test moves by hand: time stands still until ``advance(by:)``, so a test of a
/// timeout, a time-to-live or a window says how much time passes instead of sleeping for it.
///
/// ```swift
/// let clock = ManualClock()
/// let store = InMemoryServingStore(timeToLive: .seconds(60), clock: clock)
/// try await store.put(id: "r", payloads: [payload])
/// clock.advance(by: .seconds(61))
/// #expect(try await store.get(id: "r") == [])
/// ```
///
/// `sleep(until:)` returns once the clock has been advanced to its deadline (or throws
/// `CancellationError` when its task is cancelled), so code under test that sleeps on the clock
/// wakes exactly when the test says.
public final class ManualClock: Clock, Sendable {
  /// A point on a manual clock: how far it had been advanced.
  public struct Instant: InstantProtocol, CustomStringConvertible {
    /// The time since the clock was made.
    public var offset: Duration

    public init(offset: Duration) {
      self.offset = offset
    }

    public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
    public func duration(to other: Instant) -> Duration { other.offset - offset }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    public var description: String { "\(offset)" }
  }

  private struct Sleeper {
    let deadline: Instant
    let continuation: CheckedContinuation<Bool, Never>
  }

  private struct State {
    var now = Instant(offset: .zero)
    var sleepers: [UInt64: Sleeper] = [:]
    var nextID: UInt64 = 0
    /// Tests waiting in ``waitForSleepers(_:)``, by id: how many sleepers each waits for.
    var watchers: [UInt64: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]

    /// The watchers whose count the sleepers now reach, taken out.
    mutating func satisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
      let satisfied = watchers.filter { $0.value.count <= sleepers.count }
      for id in satisfied.keys { watchers[id] = nil }
      return satisfied.values.map(\.continuation)
    }
  }

  private let state = Mutex(State())

  public init() {}

  public var now: Instant { state.withLock { $0.now } }

  public var minimumResolution: Duration { .zero }

  /// Moves the clock on by `duration` and wakes every sleeper whose deadline it reached.
  public func advance(by duration: Duration) {
    let due = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
      state.now = state.now.advanced(by: duration)
      let now = state.now
      let due = state.sleepers.filter { $0.value.deadline <= now }
      for id in due.keys { state.sleepers[id] = nil }
      return due.values.map(\.continuation)
    }
    for continuation in due { continuation.resume(returning: true) }
  }

  /// Returns once at least `count` tasks sleep on the clock: how a test knows that the code
  /// under test has reached its wait (a poll, a timeout) before it moves the clock or changes
  /// what that code will find, without sleeping itself.
  ///
  /// ```swift
  /// let watcher = Task { try await values.next() }
  /// await clock.waitForSleepers()       // the watch found nothing and waits for its next poll
  /// try directory.set("model", to: "v1")
  /// clock.advance(by: .milliseconds(50))
  /// ```
  public func waitForSleepers(_ count: Int = 1) async {
    let id = state.withLock { state -> UInt64 in
      defer { state.nextID += 1 }
      return state.nextID
    }
    await suspend { continuation in
      state.withLock { state -> Bool in
        guard state.sleepers.count < count, !Task.isCancelled else { return false }
        state.watchers[id] = (count, continuation)
        return true
      }
    } onCancel: {
      state.withLock { $0.watchers.removeValue(forKey: id) }?.continuation.resume()
    }
  }

  public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
    let id = state.withLock { state -> UInt64 in
      defer { state.nextID += 1 }
      return state.nextID
    }
    var watchers: [CheckedContinuation<Void, Never>] = []
    let reached = await suspend { continuation in
      let parked = state.withLock { state -> Bool? in
        if state.now >= deadline { return true }
        if Task.isCancelled { return false }
        state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
        watchers = state.satisfiedWatchers()
        return nil
      }
      for watcher in watchers { watcher.resume() }
      return parked
    } onCancel: {
      state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(returning: false)
    }
    if !reached { throw CancellationError() }
  }
}
