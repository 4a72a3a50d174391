import NIOCore
import NumaflowCore

extension FuzzTarget {
  /// The JSON a worker sends when its handler throws. Whatever the payload, the server must
  /// make an error with words from it (the request fails, never silently and never without a
  /// message), and any text a handler's error holds must arrive unchanged.
  package static let workerFailure = FuzzTarget(name: "worker-failure") { bytes in
    let received = WorkerError(failurePayload: ByteBuffer(bytes: bytes), worker: 1)
    try require(!received.summary.isEmpty, "a failure payload gave an error with no summary")
    try require(!received.died, "a worker's payload declared the worker dead")

    let text = String(decoding: bytes, as: UTF8.self)
    let sent = WorkerError(summary: text, details: String(text.reversed()))
    let arrived = WorkerError(failurePayload: sent.failurePayload, worker: 1)
    if !text.isEmpty {
      try require(arrived.summary == sent.summary, "a handler's error text changed on its way to the server")
      try require(arrived.details == sent.details, "a handler's error details changed on their way to the server")
    }
  }
}
