import NumaflowReducer

/// Serves a streaming reduce UDF on `reducestream.sock` (server-info
/// `reducestreamer-server-info`), for a vertex whose fixed or sliding window says
/// `streaming: true` (without it, numa waits for the other server-info file forever).
///
/// ```swift
/// import NumaflowReduceStreamer
///
/// await ReduceStreamServer { RunningCount() }.runService()
/// ```
///
/// The factory makes a fresh streamer for every keyed window. One mode: async. Entry points:
/// `NumaflowServer`.
public struct ReduceStreamServer: NumaflowServer {
  public let host: ServerHost

  public init(
    configuration: ServerConfiguration = .defaults, streamer makeStreamer: @escaping @Sendable () -> some ReduceStreamer
  ) {
    host = ServerHost(endpoint: .reduceStream, configuration: configuration) { lifecycle in
      [
        ReduceService(rpc: "ReduceFn (stream)", handlerName: "reduce streamer", lifecycle: lifecycle) {
          keys, window, output in
          { stream in
            try await makeStreamer().reduceStream(
              keys: keys, datums: Datums(stream), window: window, output: MessageWriter(output: output))
          }
        }
      ]
    }
  }
}
