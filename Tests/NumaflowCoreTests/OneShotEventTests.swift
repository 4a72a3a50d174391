import Synchronization
import Testing

@testable import NumaflowCore

@Suite struct OneShotEventTests {
  @Test func signalWakesEveryWaiterAndLaterOnes() async throws {
    let event = OneShotEvent()
    let parked = Counter()
    let woken = try await finishes(within: .seconds(60)) {
      await withTaskGroup(of: Int.self) { group in
        for _ in 0..<10 {
          group.addTask {
            parked.increment()
            await event.wait()
            return 1
          }
        }
        while parked.value < 10 { await Task.yield() }
        event.signal()
        return await group.reduce(0, +)
      }
    }
    #expect(woken == 10)
    #expect(try await finishes(within: .seconds(10)) { await event.wait() } != nil, "a later waiter returns at once")
    #expect(event.isSignalled)
  }

  @Test func waitDoesNotReturnBeforeTheSignal() async throws {
    let event = OneShotEvent()
    #expect(try await finishes(within: .milliseconds(100)) { await event.wait() } == nil)
    #expect(!event.isSignalled)
  }

  @Test func cancellationEndsTheWait() async throws {
    let event = OneShotEvent()
    let waiter = Task { await event.wait() }
    waiter.cancel()
    #expect(try await finishes(within: .seconds(10)) { await waiter.value } != nil)
    #expect(!event.isSignalled)
  }
}

/// Runs `body`; its result, or `nil` when it has not finished within `limit` (it is then
/// cancelled, and the test records an issue naming `waitingFor`, when given). A test of
/// something that must finish can thus fail, saying on what, rather than hang.
func finishes<Value: Sendable>(
  within limit: Duration,
  waitingFor: String? = nil,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: @escaping @Sendable () async -> Value
) async throws -> Value? {
  let value = try await race(limit, body)
  if value == nil, let waitingFor {
    Issue.record("nothing within \(limit) while waiting for \(waitingFor)", sourceLocation: sourceLocation)
  }
  return value
}

private func race<Value: Sendable>(
  _ limit: Duration, _ body: @escaping @Sendable () async -> Value
) async throws -> Value? {
  try await withThrowingTaskGroup(of: Value?.self) { group in
    group.addTask { await body() }
    group.addTask {
      try await Task.sleep(for: limit)
      return nil
    }
    defer { group.cancelAll() }
    return try await group.next() ?? nil
  }
}

/// A count shared between tasks.
final class Counter: Sendable {
  private let count = Mutex(0)

  var value: Int { count.withLock { $0 } }
  func increment() { count.withLock { $0 += 1 } }
}
