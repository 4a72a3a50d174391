// Splits a comma-separated UTF-8 value into one message per part (parts carry no keys).
// Reference behaviour: numaflow-python examples/map/flatmap. As there, a value that is not
// UTF-8 is a UDF failure; "" gives one empty message.
import FoundationEssentials
import NumaflowMapper

struct NotUTF8: Error, CustomStringConvertible {
  let byteCount: Int
  var description: String { "the value (\(byteCount) bytes) is not UTF-8 text" }
}

struct Flatmap: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [Message] {
    guard let text = String(data: datum.value, encoding: .utf8) else {
      throw NotUTF8(byteCount: datum.value.count)
    }
    return text.split(separator: ",", omittingEmptySubsequences: false).map { Message(String($0)) }
  }
}

// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await MapServer(mode: .commandLine(default: .async), mapper: Flatmap()).runService()
