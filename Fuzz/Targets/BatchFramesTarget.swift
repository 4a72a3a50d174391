import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

extension FuzzTarget {
  /// A batch as it crosses to a worker: length-prefixed protobuf messages. Bytes the decoder
  /// accepts must come out of an encode and decode again as the same requests; bytes it refuses
  /// must be refused with a ``WorkerError`` (framing) or SwiftProtobuf's decoding error.
  package static let batchFrames = FuzzTarget(name: "batch-frames") { bytes in
    let requests: [Map_V1_MapRequest]
    do {
      requests = try LengthPrefixed.decode(bytes)
    } catch is WorkerError {
      return
    } catch is BinaryDecodingError {
      return
    } catch {
      throw FuzzViolation("refused with an unexpected error: \(error)")
    }
    let again: [Map_V1_MapRequest] = try LengthPrefixed.decode(try LengthPrefixed.encode(requests) as [UInt8])
    try require(again == requests, "a batch changed on a second trip through its framing")
  }
}
