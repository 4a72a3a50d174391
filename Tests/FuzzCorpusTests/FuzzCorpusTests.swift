import Foundation
import NumaflowFuzzTargets
import Testing

/// Every input committed under `Fuzz/Corpus/<target>/`, the seeds and every input a fuzzer
/// once crashed on, replayed through its target in the ordinary test run, so a decoder that
/// regresses fails here without libFuzzer.
@Suite struct FuzzCorpusTests {
  static let corpus = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz/Corpus")

  @Test(arguments: FuzzTarget.all)
  func corpusHoldsItsProperties(target: FuzzTarget) throws {
    let folder = Self.corpus.appendingPathComponent(target.name)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(!names.isEmpty, "no seeds in \(folder.path)")
    for name in names {
      let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
      #expect(throws: Never.self, "\(target.name)/\(name)") { try target.check(bytes) }
    }
  }
}
