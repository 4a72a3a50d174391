// Splits each comma-separated UTF-8 value of a batch into one message per part.
// Reference behaviour: numaflow-python examples/batchmap/flatmap. As there, a value that is
// not UTF-8 is a UDF failure, and "" gives one empty message.
import FoundationEssentials
import NumaflowBatchMapper

struct NotUTF8: Error, CustomStringConvertible {
  let id: String
  var description: String { "the value of '\(id)' is not UTF-8 text" }
}

struct Flatmap: SyncBatchMapper {
  func mapBatch(_ datums: [Datum]) throws -> [BatchResponse] {
    try datums.map { datum in
      guard let text = String(data: datum.value, encoding: .utf8) else { throw NotUTF8(id: datum.id) }
      let parts = text.split(separator: ",", omittingEmptySubsequences: false)
      return BatchResponse(id: datum.id, messages: parts.map { Message(String($0)) })
    }
  }
}

// `--mode sync|async` picks where the handler runs (default async: inline, as it never blocks).
try await BatchMapServer(mode: .commandLine(default: .async), batchMapper: Flatmap()).runService()
