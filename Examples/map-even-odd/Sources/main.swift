// Routes each message to "even" or "odd" by key and tag.
// Reference behaviour: numaflow-python examples/map/even_odd, which reads the value's raw bytes
// as a little-endian integer. Its parity is that of the first byte, so the text "2" (byte
// 0x32 = 50) is even and "3" (0x33) is odd, while "12" starts with "1" (0x31) and is odd.
import NumaflowMapper

struct EvenOdd: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [Message] {
    let isEven = (datum.value.first ?? 0) % 2 == 0
    return [
      isEven
        ? Message(datum.value, keys: ["even"], tags: ["even-tag"])
        : Message(datum.value, keys: ["odd"], tags: ["odd-tag"])
    ]
  }
}

// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await MapServer(mode: .commandLine(default: .async), mapper: EvenOdd()).runService()
