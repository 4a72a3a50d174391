// Sorts each key's messages by event time as the watermark allows: messages are held until the
// watermark passes their event time, then sent in event-time order; when numa closes the key,
// the rest is sent. Reference behaviour: numaflow-python examples/accumulator/streamsorter.
import FoundationEssentials
import NumaflowAccumulator

struct StreamSorter: Accumulator {
  func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws {
    var latestWatermark = Date(timeIntervalSince1970: -1)
    var sorted: [Datum] = []
    for await datum in datums {
      if let watermark = datum.watermark, watermark > latestWatermark {
        latestWatermark = watermark
        try await flush(&sorted, upTo: latestWatermark, output: output)
      }
      sorted.insert(datum, at: insertionIndex(of: datum, in: sorted))
    }
    try await flush(&sorted, upTo: nil, output: output)
  }

  /// After the last held message whose event time is not later than `datum`'s (binary search).
  private func insertionIndex(of datum: Datum, in sorted: [Datum]) -> Int {
    var (low, high) = (sorted.startIndex, sorted.endIndex)
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle].eventTime > datum.eventTime { high = middle } else { low = middle + 1 }
    }
    return low
  }

  /// Sends the held messages with event times up to `watermark` (all of them when `nil`).
  private func flush(_ sorted: inout [Datum], upTo watermark: Date?, output: MessageWriter) async throws {
    let count = watermark.map { mark in sorted.prefix { $0.eventTime <= mark }.count } ?? sorted.count
    for datum in sorted.prefix(count) { try await output.write(Message(forwarding: datum)) }
    sorted.removeFirst(count)
  }
}

await AccumulatorServer(accumulator: StreamSorter.init).runService()
