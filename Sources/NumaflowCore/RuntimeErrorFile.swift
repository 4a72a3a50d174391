import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Persists a UDF failure where numa's runtime server shows it in the Numaflow UI:
/// `<runtimeDirectory>/application-errors/<container type>/<unix seconds>-udf.json`.
///
/// Written once per process and runtime directory (the first failure is the cause; later ones
/// are consequences), via `current-udf.json` and a rename so numa never reads half a file. A
/// pod's process has one runtime directory; a test process serving many servers in process
/// gives each its own, and each gets its file.
package enum RuntimeErrorFile {
  private struct Entry: Encodable {
    var container: String
    var timestamp: Int64
    var code: String
    var message: String
    var details: String
  }

  /// The runtime directories this process has written a failure to.
  private static let written = Mutex(Set<String>())

  /// Writes the file unless this process wrote one to `runtimeDirectory` already; returns its
  /// path, or `nil` if skipped.
  @discardableResult
  package static func persist(
    _ failure: UDFFailure,
    containerType: String,
    runtimeDirectory: String
  ) throws -> String? {
    let first = written.withLock { $0.insert(runtimeDirectory).inserted }
    guard first else { return nil }
    return try write(failure, containerType: containerType, runtimeDirectory: runtimeDirectory, now: Date())
  }

  /// Writes the file; returns its path.
  package static func write(
    _ failure: UDFFailure,
    containerType: String,
    runtimeDirectory: String,
    now: Date
  ) throws -> String {
    let directory = URL(fileURLWithPath: runtimeDirectory)
      .appendingPathComponent("application-errors")
      .appendingPathComponent(containerType)
    try FileManager.default.createDirectory(
      at: directory,
      withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o777]
    )
    let seconds = Int64(now.timeIntervalSince1970)
    let entry = Entry(
      container: containerType,
      timestamp: seconds,
      code: "Internal error",
      message: failure.message,
      details: failure.details
    )
    let current = directory.appendingPathComponent("current-udf.json")
    let final = directory.appendingPathComponent("\(seconds)-udf.json")
    try JSONEncoder().encode(entry).write(to: current)
    guard rename(current.path, final.path) == 0 else {
      throw ConfigurationError(
        .runtimeDirectory, "cannot rename \(current.path) to \(final.path): \(String(cString: strerror(errno)))")
    }
    return final.path
  }
}
