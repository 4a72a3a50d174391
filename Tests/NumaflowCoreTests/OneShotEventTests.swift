import Testing

@testable import NumaflowCore

@Suite struct OneShotEventTests {
  @Test func signalWakesEveryWaiterAndLaterOnes() async {
    let event = OneShotEvent()
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<10 { group.addTask { await event.wait() } }
      event.signal()
      await group.waitForAll()
    }
    await event.wait()
    #expect(event.isSignalled)
  }

  @Test func cancellationEndsTheWait() async {
    let event = OneShotEvent()
    let waiter = Task { await event.wait() }
    waiter.cancel()
    await waiter.value
    #expect(!event.isSignalled)
  }
}
