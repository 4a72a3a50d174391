// Logs every message it receives and answers each one "ok".
// Reference behaviour: numaflow-python examples/sink/log (and async_log): one log line per
// message, "User Defined Sink <value>", then success for every id.
import Logging
import NumaflowSinker

struct LogSink: SyncSinker {
  let logger = Logger(label: "sink-log")

  func sink(_ datums: [Datum]) throws -> [Response] {
    datums.map { datum in
      logger.info("User Defined Sink \(String(decoding: datum.value, as: UTF8.self))")
      return .ok(datum.id)
    }
  }
}

// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await SinkServer(mode: .commandLine(default: .async), sinker: LogSink()).runService()
