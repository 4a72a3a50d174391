// A sink in front of a downstream that is sometimes busy. A write that fails is answered
// `.failure`, and numa writes the datum again under the vertex's retryStrategy. The sink reads
// how often numa already tried (`datum.retryCount`), waits a little longer before each new try
// of that datum (its own backoff, on top of numa's), and after three failed attempts hands the
// datum to the fallback sink instead of failing it again.
//
// The downstream here is simulated: it is busy for a value that starts with "busy" on the
// first attempts (`BUSY_ATTEMPTS`, default 2) and for "down" always.
import FoundationEssentials
import Logging
import NumaflowSinker

struct BackoffSink: Sinker {
  let busyAttempts: Int
  let giveUpAfter = 3
  let logger = Logger(label: "sink-retry-backoff")

  func sink(_ datums: [Datum]) async throws -> [Response] {
    var responses: [Response] = []
    for datum in datums {
      let attempt = datum.retryCount ?? 0
      let text = String(decoding: datum.value, as: UTF8.self)
      if attempt >= giveUpAfter {
        logger.info("giving up on \(text) after \(attempt) attempts: to the fallback sink")
        responses.append(.fallback(datum.id))
        continue
      }
      if attempt > 0 { try await Task.sleep(for: .milliseconds(10 << attempt)) }
      if write(text, attempt: attempt) {
        responses.append(.ok(datum.id))
      } else {
        responses.append(.failure(datum.id, reason: "downstream busy (attempt \(attempt))"))
      }
    }
    return responses
  }

  /// The simulated downstream: whether it took the write.
  func write(_ text: String, attempt: Int) -> Bool {
    if text.hasPrefix("down") { return false }
    return !(text.hasPrefix("busy") && attempt < busyAttempts)
  }
}

let busyAttempts = ProcessInfo.processInfo.environment["BUSY_ATTEMPTS"].flatMap(Int.init) ?? 2
await SinkServer(sinker: BackoffSink(busyAttempts: busyAttempts)).runService()
