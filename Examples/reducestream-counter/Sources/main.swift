// Counts each keyed window's messages and streams early results: whenever the count passes 10
// it writes "counter:11" and starts again; when the window closes it writes what is left.
// Reference behaviour: numaflow-python examples/reducestream/counter.
import NumaflowReduceStreamer

struct StreamingCounter: ReduceStreamer {
  func reduceStream(keys: [String], datums: Datums, window: Window, output: MessageWriter) async throws {
    var counter = 0
    for await _ in datums {
      counter += 1
      if counter > 10 {
        try await output.write(Message("counter:\(counter)", keys: keys))
        counter = 0
      }
    }
    try await output.write(Message("counter:\(counter)", keys: keys))
  }
}

await ReduceStreamServer(reduceStreamer: StreamingCounter.init).runService()
