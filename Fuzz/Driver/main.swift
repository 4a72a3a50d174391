// libFuzzer's driver for every target in NumaflowFuzzTargets, built only by `make fuzz`
// (NUMAFLOW_FUZZ=1; Package.swift links it with `-sanitize=fuzzer,address`). SwiftPM gives an
// executable its own entry point, so this one hands the command line to libFuzzer's
// `LLVMFuzzerRunDriver` rather than relying on libFuzzer's `main`. NUMAFLOW_FUZZ_TARGET names the
// target.
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

/// libFuzzer's entry point for programs that have a `main` of their own.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ testOneInput: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv) { start, count in fuzzOneInput(start, count) })
