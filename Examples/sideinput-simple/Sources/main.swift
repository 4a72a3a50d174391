// A side-input retriever that broadcasts "an example: <local time>" on every other call and
// nothing on the calls between, starting with a broadcast. Reference behaviour:
// numaflow-python examples/sideinput/simple_sideinput (its time is Python's str(datetime.now())).
import Foundation
import NumaflowSideInput
import Synchronization

final class Ticker: SyncSideInputRetriever {
  private let calls = Mutex(0)

  func retrieve() throws -> SideInputValue {
    let call = calls.withLock {
      $0 += 1
      return $0
    }
    return call.isMultiple(of: 2) ? .noBroadcast : .broadcast(Data("an example: \(Self.now())".utf8))
  }

  /// Local time as `2026-12-02 13:02:11.123456`.
  static func now() -> String {
    var time = timeval()
    gettimeofday(&time, nil)
    var seconds = time_t(time.tv_sec)
    var parts = tm()
    localtime_r(&seconds, &parts)
    return String(
      format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
      parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(time.tv_usec))
  }
}

// `--mode sync|async` picks where the retriever runs (default sync: a pool thread).
try await SideInputServer(mode: .commandLine(), retriever: Ticker()).run()
