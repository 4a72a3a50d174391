// Forwards every message unchanged: same value, same keys.
// Reference behaviour: numaflow-python examples/map/forward_message.
import NumaflowMapper

struct ForwardMessage: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [Message] {
    [Message(datum.value, keys: keys)]
  }
}

// `--mode async|sync|multiprocess` picks where the handler runs (default async: inline).
try await MapServer(mode: .commandLine(default: .async), mapper: ForwardMessage()).runService()
