import PropertyBased
import Testing

/// Runs `property` on `count` step sequences drawn from `steps`, from a fixed seed, so every run
/// of the suite checks the same sequences and a failure reproduces. `property` returns what went
/// wrong, or `nil`. A failing sequence is shrunk (steps removed one at a time while it still
/// fails) and recorded with the step that broke the property, so it can become a test of its own.
func checkModel<Step: CustomStringConvertible, Steps: Sequence>(
  count: Int,
  seed: UInt64,
  steps: Generator<[Step], Steps>,
  sourceLocation: SourceLocation = #_sourceLocation,
  property: ([Step]) async -> String?
) async {
  var rng = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
  for index in 0..<count {
    var sequence = steps.run(using: &rng)
    guard var failure = await property(sequence) else { continue }
    var shrinking = true
    while shrinking {
      shrinking = false
      for position in sequence.indices.reversed() {
        var shorter = sequence
        shorter.remove(at: position)
        if let shorterFailure = await property(shorter) {
          (sequence, failure, shrinking) = (shorter, shorterFailure, true)
          break
        }
      }
    }
    let listing = sequence.enumerated().map { "  \($0.offset): \($0.element)" }.joined(separator: "\n")
    Issue.record(
      "sequence \(index) of seed \(seed) breaks the model: \(failure)\nshrunk to \(sequence.count) steps:\n\(listing)",
      sourceLocation: sourceLocation)
    return
  }
}
