import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A window of event time, `[start, end)`, as numa assigns it: a fixed or sliding window of a
/// reduce vertex, a session, an accumulator's span.
///
/// The accumulator's open windows end at the largest time numa can hold (year 262142), far
/// outside what a protobuf `Timestamp` allows: ``end`` is then that far-off `Date`, and the
/// window numa sent is echoed back unchanged.
public struct Window: Sendable, Hashable, CustomStringConvertible {
  /// The first instant in the window.
  public let start: Date
  /// The first instant after the window.
  public let end: Date
  /// The timestamps exactly as numa sent them, echoed in responses.
  package let wireStart: Google_Protobuf_Timestamp
  package let wireEnd: Google_Protobuf_Timestamp

  public init(start: Date, end: Date) {
    self.init(
      wireStart: Google_Protobuf_Timestamp(roundingToMicroseconds: start),
      wireEnd: Google_Protobuf_Timestamp(roundingToMicroseconds: end))
  }

  /// The window numa described.
  package init(wireStart: Google_Protobuf_Timestamp, wireEnd: Google_Protobuf_Timestamp) {
    self.wireStart = wireStart
    self.wireEnd = wireEnd
    self.start = Self.date(wireStart)
    self.end = Self.date(wireEnd)
  }

  /// A `Date` for any timestamp numa sends, the year-262142 one included (no range check).
  private static func date(_ timestamp: Google_Protobuf_Timestamp) -> Date {
    Date(timeIntervalSince1970: Double(timestamp.seconds) + Double(timestamp.nanos) / 1e9)
  }

  public static func == (lhs: Window, rhs: Window) -> Bool {
    lhs.wireStart == rhs.wireStart && lhs.wireEnd == rhs.wireEnd
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(wireStart.seconds)
    hasher.combine(wireStart.nanos)
    hasher.combine(wireEnd.seconds)
    hasher.combine(wireEnd.nanos)
  }

  public var description: String {
    "[\(Self.text(wireStart)), \(Self.text(wireEnd)))"
  }

  /// Milliseconds since the epoch, as numa logs window bounds.
  private static func text(_ timestamp: Google_Protobuf_Timestamp) -> String {
    String(timestamp.seconds * 1000 + Int64(timestamp.nanos / 1_000_000))
  }
}

/// The key numa and the other SDKs group a window's data by: the keys joined with `:`. So
/// `[]` and `[""]` are one group, and so are `["a:b"]` and `["a", "b"]`.
package func groupKey(_ keys: [String]) -> String {
  keys.joined(separator: ":")
}
