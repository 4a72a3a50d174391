import Foundation

/// A handler failure as it travels from a worker process to the server process, or a worker
/// that died. Its description is what the UDF failure message shows.
package struct WorkerError: Error, Sendable, Codable, CustomStringConvertible {
  package var summary: String
  package var details: String

  package var description: String { summary }
}
