// Counts the messages of each session; a merged session's count includes the counts of the
// sessions merged into it. Reference behaviour: numaflow-go examples/sessionreducer/counter.
import FoundationEssentials
import NumaflowSessionReducer
import Synchronization

final class Counter: SessionReducer {
  private let count = Mutex(0)

  func sessionReduce(keys: [String], datums: Datums, output: MessageWriter) async throws {
    for await _ in datums { count.withLock { $0 += 1 } }
    try await output.write(Message(String(count.withLock { $0 }), keys: keys))
  }

  func accumulator() async throws -> Data {
    Data(String(count.withLock { $0 }).utf8)
  }

  func merge(accumulator: Data) async throws {
    let other = Int(String(decoding: accumulator, as: UTF8.self)) ?? 0
    count.withLock { $0 += other }
  }
}

await SessionReduceServer(sessionReducer: Counter.init).runService()
