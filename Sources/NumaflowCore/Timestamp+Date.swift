import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Google_Protobuf_Timestamp {
  /// The timestamp of `date`, rounded to the microsecond.
  ///
  /// A `Date` is a `Double`: around today its resolution is about 240 ns, so a time such as
  /// `…59.999` is really `…59.998999…`. Numa reads event times to the millisecond by
  /// truncation, so an unrounded conversion would move such a time back by 1 ms. Rounding to
  /// the microsecond gives back the value that was meant. The platform's "unknown" time,
  /// -1 ms, becomes `seconds = -1, nanos = 999_000_000`, as numa writes it.
  ///
  /// A date outside what a `Timestamp` holds (years 1 to 9999) is written as the nearer end of
  /// that range, and a NaN date as the epoch, and ``OutOfRangeTimes/process`` counts it and warns
  /// of the first. Converted as it is, a time beyond `Int64`'s microseconds would stop the server
  /// (an integer conversion that traps), and one beyond chrono's ±262,143 years numa reads as
  /// -1 ns (`utc_from_timestamp` in `numaflow-core`).
  package init(roundingToMicroseconds date: Date) {
    let (microseconds, inRange) = Self.microseconds(of: date)
    if !inRange { OutOfRangeTimes.process.record(date, writtenAs: microseconds / 1_000_000) }
    var seconds = microseconds / 1_000_000
    var remainder = microseconds % 1_000_000
    if remainder < 0 {
      seconds -= 1
      remainder += 1_000_000
    }
    self.init(seconds: seconds, nanos: Int32(remainder) * 1000)
  }

  /// `date` in whole microseconds since the epoch, and whether a `Timestamp` holds it; one that
  /// does not is the nearer end of the range (a NaN date, the epoch).
  static func microseconds(of date: Date) -> (Int64, inRange: Bool) {
    let exact = (date.timeIntervalSince1970 * 1_000_000).rounded()
    if exact >= firstMicrosecond && exact <= lastMicrosecond { return (Int64(exact), true) }
    return (exact.isNaN ? 0 : Int64(min(max(exact, firstMicrosecond), lastMicrosecond)), false)
  }

  /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in microseconds since the epoch: protobuf's
  /// bounds for a `Timestamp` (both exact as a `Double`).
  static let firstMicrosecond: Double = -62_135_596_800_000_000
  static let lastMicrosecond: Double = 253_402_300_799_000_000
}
