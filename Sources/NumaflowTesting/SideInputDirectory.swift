import Foundation
import NumaflowSideInput

#if canImport(Glibc)
import Glibc
#endif

/// Plays numa's side-input synchronizer on a directory, for testing a consumer: each value is
/// written to a new file `<name>_<nanoseconds>`, a temporary symlink to it is renamed over
/// `<name>`, and the old file is deleted, exactly as numa updates
/// `/var/numaflow/side-inputs`. An unchanged value is skipped, as numa skips it.
///
/// ```swift
/// let directory = try SideInputDirectory()
/// defer { directory.remove() }
/// try directory.set("config", to: Data(#"{"limit":10}"#.utf8))
/// let config = try directory.sideInputs.latest("config", as: Config.self)
/// ```
public struct SideInputDirectory: Sendable {
  /// The directory numa's values are written to.
  public let path: String

  /// A new temporary directory, or `path` (created if needed).
  public init(path: String? = nil) throws {
    self.path =
      path ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("side-inputs-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
  }

  /// A reader of this directory's side inputs, whose watches wait `pollInterval` between two
  /// looks on `clock` (pass a ``ManualClock`` to know when a watch waits, and to wake it).
  public func sideInputs(
    pollInterval: Duration = .milliseconds(10), clock: some Clock<Duration> & Sendable = ContinuousClock()
  ) -> SideInputs {
    SideInputs(directory: path, pollInterval: pollInterval, clock: clock)
  }

  /// A reader of this directory's side inputs.
  public var sideInputs: SideInputs { sideInputs() }

  /// Updates `name` to `value` the way numa does; does nothing when the value is unchanged.
  public func set(_ name: String, to value: Data) throws {
    let link = (path as NSString).appendingPathComponent(name)
    if let current = FileManager.default.contents(atPath: link), current == value { return }
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let stamp = "\(Int(now.tv_sec))\(String(format: "%09d", Int(now.tv_nsec)))"
    let file = "\(link)_\(stamp)"
    try value.write(to: URL(fileURLWithPath: file))
    let old = try? FileManager.default.destinationOfSymbolicLink(atPath: link)
    let temporary = "\(link)_temp_\(stamp)"
    try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: file)
    guard rename(temporary, link) == 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: link])
    }
    if let old, old != file { try? FileManager.default.removeItem(atPath: old) }
  }

  /// Updates `name` to the UTF-8 bytes of `text`.
  public func set(_ name: String, to text: String) throws {
    try set(name, to: Data(text.utf8))
  }

  /// Deletes the directory and everything in it.
  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}
