import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU time used by this process and by its children that have exited (the servers, once
/// stopped).
struct CPUTime {
  var own: Double
  var children: Double

  static var now: CPUTime {
    func seconds(_ read: (inout rusage) -> Int32) -> Double {
      var usage = rusage()
      _ = read(&usage)
      let total = [usage.ru_utime, usage.ru_stime].map { Double($0.tv_sec) + Double($0.tv_usec) / 1e6 }
      return total.reduce(0, +)
    }
    #if canImport(Glibc)
    let (own, children) = (__rusage_who_t(RUSAGE_SELF.rawValue), __rusage_who_t(RUSAGE_CHILDREN.rawValue))
    #else
    let (own, children) = (RUSAGE_SELF, RUSAGE_CHILDREN)
    #endif
    return CPUTime(own: seconds { getrusage(own, &$0) }, children: seconds { getrusage(children, &$0) })
  }

  func formatted(_ seconds: Double) -> String { String(format: "%.2f", seconds) }
}
