// Splits a comma-separated UTF-8 value and streams one message per part as it goes.
// Reference behaviour: numaflow-python examples/mapstream/flatmap_stream (parts carry no keys;
// a value that is not UTF-8 is a UDF failure).
import FoundationEssentials
import NumaflowMapStreamer

struct NotUTF8: Error, CustomStringConvertible {
  let byteCount: Int
  var description: String { "the value (\(byteCount) bytes) is not UTF-8 text" }
}

struct FlatMapStream: MapStreamer {
  func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws {
    guard let text = String(data: datum.value, encoding: .utf8) else { throw NotUTF8(byteCount: datum.value.count) }
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      try await output.write(Message(String(part)))
    }
  }
}

// A stream map has one mode, async: there is nothing to choose.
await MapStreamServer(mapStreamer: FlatMapStream()).runService()
