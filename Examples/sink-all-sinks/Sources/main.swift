// A primary sink with a fallback and an on-success sink. Each message "is written" to the
// primary sink with a 50 % chance: when the write succeeds, a copy with key "on_success" (and
// the input's user metadata) goes on to the on-success sink; when it fails, the message goes
// to the fallback sink. Reference behaviour: numaflow-python examples/sink/all_sinks.
//
// `ALL_SINKS_SUCCESS_RATE` (0…1, default 0.5) replaces the coin so that a run can be checked.
import FoundationEssentials
import Logging
import NumaflowSinker

struct AllSinks: SyncSinker {
  let successRate: Double
  let logger = Logger(label: "sink-all-sinks")

  func sink(_ datums: [Datum]) throws -> [Response] {
    datums.map { datum in
      let text = String(decoding: datum.value, as: UTF8.self)
      guard Double.random(in: 0..<1) < successRate else {
        logger.info("Write to User Defined Sink failed, writing \(text) to fallback sink")
        return .fallback(datum.id)
      }
      logger.info("Write to User Defined Sink succeeded, writing \(text) to onSuccess sink")
      return .onSuccess(datum.id, Message(datum.value, keys: ["on_success"], userMetadata: datum.userMetadata))
    }
  }
}

let successRate = ProcessInfo.processInfo.environment["ALL_SINKS_SUCCESS_RATE"].flatMap(Double.init) ?? 0.5
// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await SinkServer(mode: .commandLine(default: .async), sinker: AllSinks(successRate: successRate)).runService()
