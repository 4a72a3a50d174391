import Foundation
import NumaflowCore

/// A tiny windower that assigns fixed and sliding windows from event times as numa does, so a
/// reducer can be tested from plain records.
///
/// ```swift
/// Windowing.fixed(.seconds(60)).windows(for: eventTime)                       // one window
/// Windowing.sliding(length: .seconds(60), slide: .seconds(10)).windows(for: t)  // six windows
/// ```
public enum Windowing: Sendable, Hashable {
  /// Back-to-back windows of `length`, aligned to the epoch.
  case fixed(Duration)
  /// Windows of `length` starting every `slide`, aligned to the epoch: each time falls in
  /// `length / slide` of them.
  case sliding(length: Duration, slide: Duration)

  /// The windows an event at `eventTime` belongs to, earliest first. Like numa, times are
  /// taken in whole milliseconds.
  public func windows(for eventTime: Date) -> [Window] {
    let time = Int64((eventTime.timeIntervalSince1970 * 1000).rounded(.down))
    let (length, slide): (Int64, Int64) =
      switch self {
      case .fixed(let length): (Self.milliseconds(length), Self.milliseconds(length))
      case .sliding(let length, let slide): (Self.milliseconds(length), Self.milliseconds(slide))
      }
    guard length > 0, slide > 0 else { return [] }
    // The latest window that starts at or before the time, then the earlier ones that still
    // contain it.
    var start = time - ((time % slide) + slide) % slide
    var windows: [Window] = []
    while start > time - length {
      windows.append(Window(start: Self.date(start), end: Self.date(start + length)))
      start -= slide
    }
    return windows.reversed()
  }

  static func milliseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
  }

  static func date(_ milliseconds: Int64) -> Date {
    Date(timeIntervalSince1970: Double(milliseconds) / 1000)
  }
}
