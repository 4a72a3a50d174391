// Forwards every message unchanged: same value, same keys.
// Reference behaviour: numaflow-python examples/map/forward_message.
import NumaflowMapper

struct ForwardMessage: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [Message] {
    [Message(datum.value, keys: keys)]
  }
}

let mode = try ServerMode(commandLine: CommandLine.arguments)
try await MapServer(mode: mode, mapper: ForwardMessage()).run()
