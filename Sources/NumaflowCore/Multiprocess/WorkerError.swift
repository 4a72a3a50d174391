import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A handler failure as it travels from a worker process to the server process, or a worker
/// that died. Its description is what the UDF failure message shows.
package struct WorkerError: Error, Sendable, Codable, CustomStringConvertible {
  package var summary: String
  package var details: String
  /// The worker itself is gone (exited, closed its connection, never started), as opposed to
  /// its handler having thrown.
  package var died: Bool

  package init(summary: String, details: String, died: Bool = false) {
    self.summary = summary
    self.details = details
    self.died = died
  }

  package var description: String { summary }
}

extension WorkerError {
  /// The payload of a worker's failure frame: this error as UTF-8 JSON.
  package var failurePayload: ByteBuffer {
    ByteBuffer(bytes: (try? JSONEncoder().encode(self)) ?? Data())
  }

  /// The error a failure frame from worker `worker` carries. A payload that is not one (a
  /// worker of another build, a truncated frame) or that says nothing still fails the call,
  /// with words that name the worker. A handler's failure never marks its worker dead: only
  /// the pool, which watches the process, says that.
  package init(failurePayload payload: ByteBuffer, worker: Int) {
    let fallback = "the handler failed in worker \(worker)"
    guard let decoded = try? JSONDecoder().decode(WorkerError.self, from: Data(payload.readableBytesView)) else {
      self.init(summary: fallback, details: "")
      return
    }
    self.init(summary: decoded.summary.isEmpty ? fallback : decoded.summary, details: decoded.details)
  }
}
