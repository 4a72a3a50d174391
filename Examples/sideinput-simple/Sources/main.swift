// A side-input retriever that broadcasts "an example: <local time>" on every other call and
// nothing on the calls between, starting with a broadcast. Reference behaviour:
// numaflow-python examples/sideinput/simple_sideinput (its time is Python's str(datetime.now())).
import FoundationEssentials
import Glibc
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
    func padded(_ value: some BinaryInteger, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2)) "
      + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)).\(padded(time.tv_usec, 6))"
  }
}

// `--mode sync|async` picks where the retriever runs (default sync: a pool thread).
try await SideInputServer(mode: .commandLine(), sideInputRetriever: Ticker()).runService()
