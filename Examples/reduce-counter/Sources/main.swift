// Counts each keyed window's messages: "counter:N interval_window_start:S interval_window_end:E".
// Reference behaviour: numaflow-python examples/reduce/counter, whose window bounds are
// Python datetimes in UTC, to the millisecond ("2026-01-01 00:00:00+00:00",
// "2026-01-01 00:00:00.500000+00:00").
import FoundationEssentials
import Glibc
import NumaflowReducer

struct Counter: Reducer {
  func reduce(keys: [String], datums: Datums, window: Window) async throws -> [Message] {
    var counter = 0
    for await _ in datums { counter += 1 }
    let text =
      "counter:\(counter) interval_window_start:\(pythonUTC(window.start)) interval_window_end:\(pythonUTC(window.end))"
    return [Message(text, keys: keys)]
  }
}

/// `str()` of a Python `datetime` in UTC, taken to the millisecond.
func pythonUTC(_ date: Date) -> String {
  let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
  var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
  let fraction = Int(milliseconds - Int64(seconds) * 1000)
  var parts = tm()
  gmtime_r(&seconds, &parts)
  func padded(_ value: some BinaryInteger, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
  let date = "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))"
  let time = "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))"
  return "\(date) \(time)" + (fraction == 0 ? "" : ".\(padded(fraction * 1000, 6))") + "+00:00"
}

await ReduceServer(reducer: Counter.init).runService()
