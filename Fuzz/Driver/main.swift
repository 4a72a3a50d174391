// libFuzzer's entry point for every target in NumaflowFuzzTargets. Built only by `make fuzz`
// (NUMAFLOW_FUZZ=1, with `--sanitize=fuzzer --sanitize=address`, which compiles this file as a
// library and links libFuzzer's `main`); NUMAFLOW_FUZZ_TARGET names the target.
import Foundation
import NumaflowFuzzTargets

private let target: FuzzTarget = {
  let name = ProcessInfo.processInfo.environment["NUMAFLOW_FUZZ_TARGET"] ?? ""
  guard let target = FuzzTarget.named(name) else {
    fatalError("NUMAFLOW_FUZZ_TARGET '\(name)' is none of: \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
  }
  return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
  do {
    try target.check(bytes)
  } catch {
    fatalError("\(target.name): \(error)")
  }
  return 0
}
