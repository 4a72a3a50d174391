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
