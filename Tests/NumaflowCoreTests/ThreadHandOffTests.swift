import Dispatch
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import NumaflowCore

@Suite struct ThreadHandOffTests {
  @Test func aBurstWaitsForTheEndOfTheLoopsTurnThenRunsInOrder() async throws {
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let threads = NIOThreadPool(numberOfThreads: 1)
    threads.start()
    let handOff = ThreadHandOff(threads: threads, threadCount: 1, eventLoop: loops.next())
    let ran = Mutex<[Int]>([])
    let done = OneShotEvent()

    let ranDuringTheTurn = try await loops.next().submit {
      for index in 0..<100 {
        handOff.submit { state in
          guard state == .active else { return }
          let count = ran.withLock { ran in
            ran.append(index)
            return ran.count
          }
          if count == 100 { done.signal() }
        }
      }
      return ran.withLock { $0.count }
    }.get()
    await done.wait()

    #expect(ranDuringTheTurn == 0, "nothing runs before the loop's turn ends")
    #expect(ran.withLock { $0 } == Array(0..<100))
    try await threads.shutdownGracefully()
    try await loops.shutdownGracefully()
  }

  @Test func slowWorkSpreadsOverEveryThread() async throws {
    let threads = NIOThreadPool(numberOfThreads: 2)
    threads.start()
    let handOff = ThreadHandOff(threads: threads, threadCount: 2, eventLoop: nil)
    // Each work says it started, then waits for the other's start: both can only if they run
    // at once (on pool threads, where blocking is allowed; 10 s is the failure's bound). The
    // first submits the second while it runs, so a busy drainer is not enough for it; no
    // Swift task stands between the two, so a busy cooperative pool cannot delay them.
    let starts = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    let metTheOther = Mutex<[Bool]>([])
    let done = OneShotEvent()
    @Sendable func meet(as role: Int) {
      starts[role].signal()
      let met = starts[1 - role].wait(timeout: .now() + 10) == .success
      if metTheOther.withLock({
        $0.append(met); return $0.count
      }) == 2 {
        done.signal()
      }
    }
    handOff.submit { _ in
      handOff.submit { _ in meet(as: 1) }
      meet(as: 0)
    }
    await done.wait()
    #expect(metTheOther.withLock { $0 } == [true, true])
    try await threads.shutdownGracefully()
  }

  @Test func aStoppedPoolStillCallsEveryWorkAsCancelled() async throws {
    let threads = NIOThreadPool(numberOfThreads: 1)
    threads.start()
    try await threads.shutdownGracefully()
    let handOff = ThreadHandOff(threads: threads, threadCount: 1, eventLoop: nil)
    let states = Mutex<[NIOThreadPool.WorkItemState]>([])
    for _ in 0..<3 {
      handOff.submit { state in states.withLock { $0.append(state) } }
    }
    #expect(states.withLock { $0 } == [.cancelled, .cancelled, .cancelled])
  }
}
