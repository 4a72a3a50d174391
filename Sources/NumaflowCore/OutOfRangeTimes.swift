import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Counts the times written for numa that a protobuf `Timestamp` cannot hold (before year 1,
/// after 9999, or NaN), and warns of the first, once per process.
///
/// Such a time is written as the nearer end of the range
/// (``Google_Protobuf_Timestamp/init(roundingToMicroseconds:)``), and numa takes it as the
/// message's event time: year 9999 can move a watermark to the end of time, after which numa
/// counts later messages as late. The usual cause is a time in milliseconds given as seconds
/// (`Date(timeIntervalSince1970: millis)` instead of `millis / 1000`), or `Date.distantPast`
/// (two days before year 1) given for an unknown time, which numa writes as -1 ms since the
/// epoch. The warning says so, where an operator reads the container's log.
package final class OutOfRangeTimes: Sendable {
  /// The process's count, warning through a `numaflow` logger.
  package static let process = OutOfRangeTimes(logger: Logger(label: "numaflow"))

  private let logger: Logger
  private let seen = Atomic<Int>(0)

  package init(logger: Logger) {
    self.logger = logger
  }

  /// How many were written so far.
  package var count: Int { seen.load(ordering: .relaxed) }

  /// Counts `date`, written as `seconds` since the epoch; warns if it is the first.
  package func record(_ date: Date, writtenAs seconds: Int64) {
    guard seen.add(1, ordering: .relaxed).oldValue == 0 else { return }
    logger.warning(
      """
      an event time outside the years 1 to 9999 was written as the nearer end of that range: \
      a time in milliseconds given as seconds? numa's unknown time is -1 ms since the epoch; \
      later ones are counted, not logged
      """,
      metadata: [
        "code": "event-time-out-of-range",
        "seconds_since_epoch": "\(date.timeIntervalSince1970)",
        "written_as_seconds": "\(seconds)",
      ])
  }
}
