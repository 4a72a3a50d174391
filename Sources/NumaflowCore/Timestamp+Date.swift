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
  package init(roundingToMicroseconds date: Date) {
    let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    var seconds = microseconds / 1_000_000
    var remainder = microseconds % 1_000_000
    if remainder < 0 {
      seconds -= 1
      remainder += 1_000_000
    }
    self.init(seconds: seconds, nanos: Int32(remainder) * 1000)
  }
}
