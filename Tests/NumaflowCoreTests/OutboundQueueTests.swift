import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NumaflowTesting
import Synchronization
import Testing

@testable import NumaflowCore

@Suite(.timeLimit(.minutes(5))) struct OutboundQueueTests {
  /// What a queue's writer was given, batch by batch.
  final class Recorder: Sendable {
    let batches = Mutex<[[Int]]>([])
    var all: [Int] { batches.withLock { $0.flatMap { $0 } } }
    var count: Int { batches.withLock { $0.count } }
    func record(_ batch: [Int]) { batches.withLock { $0.append(batch) } }
  }

  struct Broken: Error {}

  @Test func everythingSentIsWrittenInOrderBeforeTheQueueEnds() async throws {
    let recorder = Recorder()
    try await OutboundQueue<Int>.withQueue(limit: 8, eventLoops: [], cost: { _ in 1 }, write: { recorder.record($0) }) {
      queue in
      for value in 0..<10_000 { try await queue.send(value) }
    }
    #expect(recorder.all == Array(0..<10_000))
  }

  /// Runs `body` on a queue whose first write is held until `body` returns, after `body` has
  /// waited for that write to start (`firstWriteStarted`); returns the batches written.
  func batchesWithFirstWriteHeld(
    limit: Int, weight: @escaping @Sendable (Int) -> Int = { _ in 1 },
    _ body: (OutboundQueue<Int>, _ firstWriteStarted: OneShotEvent) async throws -> Void
  ) async throws -> [[Int]] {
    let recorder = Recorder()
    let firstWriteStarted = OneShotEvent()
    let releaseFirstWrite = OneShotEvent()
    try await OutboundQueue<Int>.withQueue(
      limit: limit, eventLoops: [], cost: { _ in 1 }, weight: weight,
      write: { batch in
        if recorder.count == 0 {
          firstWriteStarted.signal()
          await releaseFirstWrite.wait()
        }
        recorder.record(batch)
      }
    ) { queue in
      try await body(queue, firstWriteStarted)
      releaseFirstWrite.signal()
    }
    return recorder.batches.withLock { $0 }
  }

  @Test func whatGathersWhileAWriteIsUnderWayGoesOutInOneWrite() async throws {
    let batches = try await batchesWithFirstWriteHeld(limit: 100) { queue, firstWriteStarted in
      try await queue.send(0)
      await firstWriteStarted.wait()
      // Sent while the writer is busy with the first: below the limit, so none waits.
      for value in 1...50 { try await queue.send(value) }
    }
    #expect(batches == [[0], Array(1...50)])
  }

  @Test func aResponseTakesItsWeightOfTheLimit() async throws {
    let batches = try await batchesWithFirstWriteHeld(limit: 10, weight: { $0 }) { queue, firstWriteStarted in
      try await queue.send(1)
      await firstWriteStarted.wait()
      // Two responses, far below ten, but carrying eleven answers (a sink's results).
      #expect(queue.enqueue(4))
      #expect(!queue.isFull)
      #expect(queue.enqueue(7))
      #expect(queue.isFull)
    }
    #expect(batches == [[1], [4, 7]])
  }

  @Test func enqueueFromAThreadIsWrittenToo() async throws {
    let recorder = Recorder()
    try await OutboundQueue<Int>.withQueue(limit: 8, eventLoops: [], cost: { _ in 1 }, write: { recorder.record($0) }) {
      queue in
      for value in 0..<100 { #expect(queue.enqueue(value)) }
    }
    #expect(recorder.all == Array(0..<100))
  }

  @Test func aFailedWriteEndsTheQueueAndReleasesItsSenders() async throws {
    try await OutboundQueue<Int>.withQueue(
      limit: 2, eventLoops: [], cost: { _ in 1 }, write: { _ in throw Broken() }
    ) { queue in
      // The first batch fails; from then on every send says the stream has ended, also the
      // ones that would otherwise wait for room.
      var ended = 0
      for value in 0..<100 {
        do { try await queue.send(value) } catch is StreamEnded { ended += 1 }
      }
      #expect(ended > 90)
    }
  }

  @Test func theWriterWaitsForTheEventLoopsAfterThePacingBudget() async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop = group.next()
    let recorder = Recorder()
    // Hold the event loop, as a transport that has not caught up would.
    let loopHeld = ConditionLock(value: 0)
    loop.execute {
      loopHeld.lock(whenValue: 1); loopHeld.unlock()
    }

    try await OutboundQueue<Int>.withQueue(
      limit: 100, eventLoops: [loop], cost: { $0 }, write: { recorder.record($0) }
    ) { queue in
      // One response worth the whole budget: written, then the writer waits on the loop.
      try await queue.send(OutboundQueue<Int>.pacingBudget)
      // What is checked is an absence (nothing more is written): no event marks it, so the
      // test gives a wrong writer time to write.
      try await Task.sleep(for: .milliseconds(50))
      try await queue.send(1)
      try await Task.sleep(for: .milliseconds(100))
      #expect(recorder.all == [OutboundQueue<Int>.pacingBudget], "nothing more is written while the loop lags")
      loopHeld.lock()
      loopHeld.unlock(withValue: 1)
    }
    #expect(recorder.all == [OutboundQueue<Int>.pacingBudget, 1])
    try await group.shutdownGracefully()
  }

  @Test func enqueuedResponsesAreReleasedOnlyWhenTheWriterTakesThem() async throws {
    let recorder = Recorder()
    let writing = OneShotEvent()
    let releaseWrites = OneShotEvent()
    let released = Counter()
    try await OutboundQueue<Int>.withQueue(
      limit: 100, eventLoops: [], cost: { _ in 1 },
      write: { batch in
        writing.signal()
        await releaseWrites.wait()
        recorder.record(batch)
      }
    ) { queue in
      queue.releasingEnqueued { count in for _ in 0..<count { released.increment() } }
      #expect(queue.enqueue(0))  // taken at once by the writer, which is then held
      await writing.wait()
      #expect(released.value == 1, "the writer took it")
      #expect(queue.enqueue(1))
      #expect(queue.enqueue(2))
      try await queue.send(3)  // sent, not enqueued: not the caller's to release
      // The writer is held in its write, so nothing more can be taken or released yet.
      #expect(released.value == 1, "responses waiting in the queue still count as in flight")
      releaseWrites.signal()
    }
    #expect(released.value == 3)
    #expect(recorder.all == [0, 1, 2, 3])
  }

  @Test func aResponseEnqueuedAfterTheStreamBrokeIsRefused() async throws {
    struct Gone: Error {}
    try await OutboundQueue<Int>.withQueue(
      limit: 100, eventLoops: [], cost: { _ in 1 }, write: { _ in throw Gone() }
    ) { queue in
      _ = queue.enqueue(0)
      // Once the failed write has broken the stream, every enqueue is refused (the caller
      // releases its own slot).
      try await eventually { !queue.enqueue(1) }
      #expect(!queue.enqueue(2))
    }
  }
}

/// A flag set once, read from any task.
final class Flag: Sendable {
  private let value = Mutex(false)

  var isSet: Bool { value.withLock { $0 } }
  func set() { value.withLock { $0 = true } }
}
