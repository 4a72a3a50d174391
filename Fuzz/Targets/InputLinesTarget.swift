import Foundation
import NumaflowDevKit

extension FuzzTarget {
  /// `numaflow-dev run --input`'s JSON lines. Accepted text gives one record per line that is
  /// not blank; refused text is refused with a message naming a line that exists.
  package static let inputLines = FuzzTarget(name: "input-lines") { bytes in
    let data = Data(bytes)
    let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    do {
      let records = try InputRecord.parse(data)
      let filled = lines.filter { $0.contains { ![0x20, 0x09, 0x0D].contains($0) } }
      try require(records.count == filled.count, "\(records.count) records from \(filled.count) lines")
    } catch let failure as ValidationFailure {
      let number = failure.description.split(separator: ":").first.flatMap { Int($0.dropFirst("line ".count)) }
      try require(
        failure.description.hasPrefix("line ") && number.map { (1...lines.count).contains($0) } == true,
        "an error that names no line of the input: \(failure.description)")
    }
  }
}
