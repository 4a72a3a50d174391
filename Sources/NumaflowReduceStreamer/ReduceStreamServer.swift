import NumaflowReducer

/// Serves a streaming reduce UDF on `reducestream.sock` (server-info
/// `reducestreamer-server-info`), for a vertex whose fixed or sliding window says
/// `streaming: true` (without it, numa waits for the other server-info file forever).
///
/// ```swift
/// import NumaflowReduceStreamer
///
/// await ReduceStreamServer(reduceStreamer: RunningCount.init).runService()
/// ```
///
/// A stream reducer holds one keyed window's state, so the server takes a factory
/// (`reduceStreamer:`) and makes a fresh one for every keyed window; a closure (`handler:`) is
/// called once per keyed window. One mode: async. Entry points:
/// `NumaflowServer`.
public struct ReduceStreamServer: NumaflowServer {
  public let host: ServerHost

  /// A server that makes a stream reducer per keyed window.
  public init(
    configuration: ServerConfiguration = .defaults,
    reduceStreamer makeStreamer: @escaping @Sendable () -> some ReduceStreamer
  ) {
    host = ServerHost(endpoint: .reduceStream, configuration: configuration) { lifecycle in
      [
        ReduceService(rpc: "ReduceFn (stream)", handlerName: "reduce streamer", lifecycle: lifecycle) {
          keys, output in
          { input in
            try await makeStreamer().reduceStream(
              keys: keys, datums: Datums(input), window: output.window,
              output: MessageWriter { try await output.send([$0]) })
          }
        }
      ]
    }
  }

  /// A server for an async closure, the stream reducer's `reduceStream` (see
  /// ``ClosureReduceStreamer``).
  public init(configuration: ServerConfiguration = .defaults, handler: @escaping ClosureReduceStreamer.Body) {
    self.init(configuration: configuration, reduceStreamer: { ClosureReduceStreamer(handler) })
  }
}
