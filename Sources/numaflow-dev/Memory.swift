import Foundation

/// Reads the memory of a server's processes from /proc (Linux).
enum Memory {
  /// VmHWM (peak RSS) of the process plus its children, in MiB: pages they share (the binary,
  /// its libraries) counted once per process.
  static func peakResidentMegabytes(ofTree root: Int32) -> Int {
    summedKilobytes(ofTree: root, file: "status", field: "VmHWM:") / 1024
  }

  /// Runs `body` while sampling the proportional set size of `root` and its children every
  /// `interval`, and returns `body`'s value with the highest PSS seen, in MiB (0 without a
  /// process). PSS counts the pages the processes share once across them, as a pod's memory
  /// cgroup charges them; the kernel keeps no peak of it, so a peak between two samples is
  /// missed.
  static func sampling<Value: Sendable>(
    peakProportionalMegabytesOf root: Int32?, every interval: Duration = .milliseconds(20),
    while body: @Sendable () async throws -> Value
  ) async throws -> (Value, Int) {
    guard let root else { return (try await body(), 0) }
    return try await withThrowingTaskGroup(of: Int.self) { group in
      group.addTask {
        var peak = 0
        while !Task.isCancelled {
          peak = max(peak, proportionalKilobytes(ofTree: root))
          try? await Task.sleep(for: interval)
        }
        return peak
      }
      let value = try await body()
      let last = proportionalKilobytes(ofTree: root)
      group.cancelAll()
      let peak = try await group.next() ?? 0
      return (value, max(peak, last) / 1024)
    }
  }

  private static func proportionalKilobytes(ofTree root: Int32) -> Int {
    summedKilobytes(ofTree: root, file: "smaps_rollup", field: "Pss:")
  }

  private static func summedKilobytes(ofTree root: Int32, file: String, field: String) -> Int {
    var pids = [root]
    // Children are listed per thread of the parent: workers are spawned from any of them.
    for thread in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(root)/task")) ?? [] {
      if let children = try? String(contentsOfFile: "/proc/\(root)/task/\(thread)/children", encoding: .utf8) {
        pids += children.split(separator: " ").compactMap { Int32($0) }
      }
    }
    var kilobytes = 0
    for pid in pids {
      guard let text = try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8) else { continue }
      for line in text.split(separator: "\n") where line.hasPrefix(field) {
        kilobytes += Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
      }
    }
    return kilobytes
  }
}
