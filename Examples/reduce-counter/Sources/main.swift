// Counts each keyed window's messages: "counter:N interval_window_start:S interval_window_end:E".
// Reference behaviour: numaflow-python examples/reduce/counter, whose window bounds are
// Python datetimes in UTC, to the millisecond ("2026-01-01 00:00:00+00:00",
// "2026-01-01 00:00:00.500000+00:00").
import Foundation
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
  let whole = String(
    format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
    parts.tm_min, parts.tm_sec)
  return whole + (fraction == 0 ? "" : String(format: ".%06d", fraction * 1000)) + "+00:00"
}

try await ReduceServer { Counter() }.run()
