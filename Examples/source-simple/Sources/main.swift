// Counts up, as the reference's simple source does: each read writes `count` messages whose
// offsets are 0, 1, 2, ... and whose payload is the count of offsets handed out so far; a read
// writes nothing while the previous read is not fully acked; nacked offsets are written again
// first. Reference behaviour: numaflow-python examples/source/simple_source (there, too, an ack
// of an offset that was never read, or was acked already, is a UDF failure).
import FoundationEssentials
import NumaflowSourcer
import Synchronization

struct UnknownOffset: Error, CustomStringConvertible {
  let offset: Offset
  var description: String { "offset \(offset) was not read, or was acked already" }
}

final class SimpleSource: Sourcer {
  private struct State {
    var readIndex = 0
    var toAck = Set<Int>()
    var nacked = Set<Int>()
  }

  private let state = Mutex(State())

  func read(_ request: ReadRequest, output: MessageWriter) async throws {
    // Nothing new until the last read is acked, as in the reference.
    guard state.withLock({ $0.toAck.isEmpty }) else { return }
    for _ in 0..<request.count {
      let (index, payload) = state.withLock { state -> (Int, Int) in
        let index: Int
        if let redelivered = state.nacked.min() {
          index = state.nacked.remove(redelivered)!
        } else {
          index = state.readIndex
          state.readIndex += 1
        }
        state.toAck.insert(index)
        return (index, state.readIndex)
      }
      try await output.write(
        Message(
          "\(payload)", offset: Offset("\(index)"), eventTime: Date(), headers: ["x-txn-id": UUID().uuidString]))
    }
  }

  func ack(_ offsets: [Offset]) async throws {
    try state.withLock { state in
      for offset in offsets {
        guard let index = offset.text.flatMap(Int.init), state.toAck.remove(index) != nil else {
          throw UnknownOffset(offset: offset)
        }
      }
    }
  }

  func nack(_ offsets: [Offset], options: NackOptions?) async throws {
    try state.withLock { state in
      for offset in offsets {
        guard let index = offset.text.flatMap(Int.init), state.toAck.remove(index) != nil else {
          throw UnknownOffset(offset: offset)
        }
        state.nacked.insert(index)
      }
    }
  }

  func pending() async throws -> Int? { 0 }
}

await SourceServer(sourcer: SimpleSource()).runService()
