import Synchronization
import Testing

@testable import NumaflowCore

@Suite(.timeLimit(.minutes(1))) struct OutboundQueueTests {
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

  @Test func whatGathersWhileAWriteIsUnderWayGoesOutInOneWrite() async throws {
    let recorder = Recorder()
    let firstWriteStarted = OneShotEvent()
    let releaseFirstWrite = OneShotEvent()
    try await OutboundQueue<Int>.withQueue(
      limit: 100, eventLoops: [], cost: { _ in 1 },
      write: { batch in
        if recorder.count == 0 {
          firstWriteStarted.signal()
          await releaseFirstWrite.wait()
        }
        recorder.record(batch)
      }
    ) { queue in
      try await queue.send(0)
      await firstWriteStarted.wait()
      // Sent while the writer is busy with the first: below the limit, so none waits.
      for value in 1...50 { try await queue.send(value) }
      releaseFirstWrite.signal()
    }
    #expect(recorder.batches.withLock { $0 } == [[0], Array(1...50)])
  }

  @Test func enqueueFromAThreadIsWrittenToo() async throws {
    let recorder = Recorder()
    try await OutboundQueue<Int>.withQueue(limit: 8, eventLoops: [], cost: { _ in 1 }, write: { recorder.record($0) }) {
      queue in
      for value in 0..<100 { queue.enqueue(value) }
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
}
