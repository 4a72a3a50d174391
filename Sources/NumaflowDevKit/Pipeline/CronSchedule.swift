import Foundation

/// A side input's `trigger.schedule` as numa reads it (robfig/cron with seconds): six fields
/// `second minute hour day-of-month month day-of-week` (five, without seconds, also read), each
/// `*`, `N`, `A-B`, `*/S`, `A-B/S` or a list of those; or `@every 1m30s`, `@hourly`, `@daily`,
/// `@weekly`, `@monthly`, `@yearly`. As in robfig/cron, when both the day of the month and the
/// day of the week are restricted, a day matching either fires.
package struct CronSchedule: Sendable, CustomStringConvertible {
  package let description: String
  private let rule: Rule

  private enum Rule {
    case every(Duration)
    /// Allowed values per field: seconds, minutes, hours, days of month, months, days of week;
    /// `eitherDay` when both day fields are restricted.
    case fields([Set<Int>], eitherDay: Bool)
  }

  package init?(_ text: String) {
    description = text
    let text = text.trimmingCharacters(in: .whitespaces)
    let shorthands = [
      "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *", "@weekly": "0 0 0 * * 0",
      "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
    ]
    if text.hasPrefix("@every ") {
      guard let interval = GoDuration.parse(String(text.dropFirst(7))), interval > .zero else { return nil }
      rule = .every(interval)
      return
    }
    var parts = (shorthands[text] ?? text).split(separator: " ").map(String.init)
    if parts.count == 5 { parts.insert("0", at: 0) }
    let ranges = [0...59, 0...59, 0...23, 1...31, 1...12, 0...6]
    guard parts.count == 6 else { return nil }
    var fields: [Set<Int>] = []
    for (part, range) in zip(parts, ranges) {
      guard let allowed = Self.field(part, range) else { return nil }
      fields.append(allowed)
    }
    rule = .fields(fields, eitherDay: fields[3].count < 31 && fields[5].count < 7)
  }

  private static func field(_ text: String, _ range: ClosedRange<Int>) -> Set<Int>? {
    var allowed = Set<Int>()
    for item in text.split(separator: ",") {
      let stepParts = item.split(separator: "/")
      guard (1...2).contains(stepParts.count) else { return nil }
      let step = stepParts.count == 2 ? Int(stepParts[1]) : 1
      guard let step, step > 0 else { return nil }
      var bounds: ClosedRange<Int>
      if stepParts[0] == "*" || stepParts[0] == "?" {
        bounds = range
      } else {
        let ends = stepParts[0].split(separator: "-").compactMap { Int($0) }
        guard (1...2).contains(ends.count), ends.count == stepParts[0].split(separator: "-").count else { return nil }
        bounds = ends[0]...(ends.count == 2 ? ends[1] : (stepParts.count == 2 ? range.upperBound : ends[0]))
        if range == 0...6, bounds.upperBound == 7 { bounds = bounds.lowerBound...6 }  // 7 is Sunday too
      }
      guard range.contains(bounds.lowerBound), range.contains(bounds.upperBound) else { return nil }
      allowed.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
    }
    return allowed
  }

  /// The first time after `date` the schedule fires (searched second by second, up to a year).
  package func next(after date: Date, calendar: Calendar = .current) -> Date? {
    switch rule {
    case .every(let interval):
      return date.addingTimeInterval(interval.timeInterval)
    case .fields(let fields, let eitherDay):
      var candidate = Date(timeIntervalSince1970: (date.timeIntervalSince1970 + 1).rounded(.down))
      let limit = candidate.addingTimeInterval(366 * 86_400)
      while candidate < limit {
        let parts = calendar.dateComponents([.second, .minute, .hour, .day, .month, .weekday], from: candidate)
        guard fields[4].contains(parts.month!) else {
          candidate = calendar.date(byAdding: .month, value: 1, to: calendar.startOfMonth(candidate))!
          continue
        }
        let (monthDay, weekDay) = (fields[3].contains(parts.day!), fields[5].contains(parts.weekday! - 1))
        guard eitherDay ? monthDay || weekDay : monthDay && weekDay else {
          candidate = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: candidate))!
          continue
        }
        guard fields[2].contains(parts.hour!) else {
          candidate = calendar.date(byAdding: .second, value: 3600 - parts.minute! * 60 - parts.second!, to: candidate)!
          continue
        }
        guard fields[1].contains(parts.minute!) else {
          candidate = calendar.date(byAdding: .second, value: 60 - parts.second!, to: candidate)!
          continue
        }
        if fields[0].contains(parts.second!) { return candidate }
        candidate = candidate.addingTimeInterval(1)
      }
      return nil
    }
  }
}

extension Calendar {
  fileprivate func startOfMonth(_ date: Date) -> Date {
    self.date(from: dateComponents([.year, .month], from: date)) ?? startOfDay(for: date)
  }
}
