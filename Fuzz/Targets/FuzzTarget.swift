#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One hand-written decoder under attack. `check` takes any bytes: input the decoder refuses is
/// expected and fine, as long as it is refused with the decoder's own error; what `check`
/// throws is a broken property (a frame decoded wrongly, an error that names no line, a value
/// that changed on its way through), and a crash is a crash.
///
/// The same targets run in two places: `make fuzz` links them with libFuzzer
/// (`Fuzz/Driver`), and `swift test` replays every committed input in `Fuzz/Corpus/<name>`.
package struct FuzzTarget: Sendable, CustomStringConvertible {
  /// The target's name: its corpus folder and `make fuzz`'s `FUZZ_TARGETS` entry.
  package let name: String
  package let check: @Sendable ([UInt8]) throws -> Void

  package var description: String { name }

  /// Every target, in the order `make fuzz` runs them.
  package static let all: [FuzzTarget] = [
    .workerFrames, .batchFrames, .workerFailure, .sideInputValue, .inputLines, .serverInfo, .requestHeads, .handCodecs,
  ]

  package static func named(_ name: String) -> FuzzTarget? {
    all.first { $0.name == name }
  }
}

/// A property that did not hold for one input.
package struct FuzzViolation: Error, CustomStringConvertible {
  package let description: String

  init(_ description: String) {
    self.description = description
  }
}

/// Throws a ``FuzzViolation`` saying `what` when `condition` is false.
func require(_ condition: Bool, _ what: @autoclosure () -> String) throws {
  if !condition { throw FuzzViolation(what()) }
}
