import DequeModule
import NumaflowCore
import Synchronization

/// A ready ``ServingStore`` in memory, bounded so that it cannot grow without end: at most
/// `maxIDs` ids and `maxBytes` bytes of payloads (the oldest ids are evicted first), and an id
/// is forgotten `timeToLive` after its first put.
///
/// ```swift
/// let store = InMemoryServingStore(maxIDs: 10_000, maxBytes: 256 << 20, timeToLive: .seconds(300))
/// await ServingStoreServer(servingStore: store).runService()
/// ```
///
/// Results live in one replica's memory: with several replicas of the store, run a shared
/// store instead (Redis, a database) behind your own ``ServingStore``.
public final class InMemoryServingStore: ServingStore {
  private struct Entry {
    var payloads: [Payload]
    var bytes: Int
    /// When the id was first put, as time since the store was made.
    let created: Duration
  }

  private struct State {
    var entries: [String: Entry] = [:]
    /// Ids in the order of their first put: the oldest first.
    var order: Deque<String> = []
    var bytes = 0
  }

  /// The most ids kept at once.
  public let maxIDs: Int
  /// The most payload bytes kept at once.
  public let maxBytes: Int
  /// How long an id is kept after its first put.
  public let timeToLive: Duration
  private let state = Mutex(State())
  /// The time since the store was made, on its clock.
  private let elapsed: @Sendable () -> Duration

  /// A store that forgets an id `timeToLive` after its first put, as `clock` measures it (a
  /// test passes a clock it drives, such as NumaflowTesting's `ManualClock`).
  public init(
    maxIDs: Int = 100_000, maxBytes: Int = 512 << 20, timeToLive: Duration = .seconds(600),
    clock: some Clock<Duration> & Sendable = ContinuousClock()
  ) {
    self.maxIDs = max(1, maxIDs)
    self.maxBytes = max(1, maxBytes)
    self.timeToLive = timeToLive
    let origin = clock.now
    elapsed = { origin.duration(to: clock.now) }
  }

  public func put(id: String, payloads: [Payload]) async throws {
    let size = payloads.reduce(0) { $0 + $1.value.count }
    let now = elapsed()
    state.withLock { state in
      expire(&state, now: now)
      if state.entries[id] == nil {
        state.entries[id] = Entry(payloads: [], bytes: 0, created: now)
        state.order.append(id)
      }
      state.entries[id]!.payloads += payloads
      state.entries[id]!.bytes += size
      state.bytes += size
      // Evict the oldest ids over either bound; the id just put goes last, if at all.
      while state.order.count > maxIDs || (state.bytes > maxBytes && state.order.count > 1) {
        remove(&state, state.order.first == id && state.order.count > 1 ? state.order[1] : state.order[0])
      }
    }
  }

  public func get(id: String) async throws -> [Payload] {
    let now = elapsed()
    return state.withLock { state in
      expire(&state, now: now)
      return state.entries[id]?.payloads ?? []
    }
  }

  /// How many ids are stored now.
  public var count: Int { state.withLock { $0.entries.count } }

  private func expire(_ state: inout State, now: Duration) {
    while let oldest = state.order.first, let entry = state.entries[oldest], now - entry.created >= timeToLive {
      remove(&state, oldest)
    }
  }

  private func remove(_ state: inout State, _ id: String) {
    guard let entry = state.entries.removeValue(forKey: id) else { return }
    state.bytes -= entry.bytes
    if let index = state.order.firstIndex(of: id) { state.order.remove(at: index) }
  }
}
