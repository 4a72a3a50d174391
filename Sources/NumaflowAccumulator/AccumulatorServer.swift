/// Serves an accumulator UDF on `accumulator.sock` (server-info `accumulator-server-info`), for a
/// vertex whose window is `accumulator: {timeout: ...}`.
///
/// ```swift
/// import NumaflowAccumulator
///
/// await AccumulatorServer(accumulator: StreamSorter.init).runService()
/// ```
///
/// An accumulator holds one key combination's state, so the server takes a factory
/// (`accumulator:`) and makes a fresh one per key combination; a closure (`handler:`) is called
/// once per key combination. One mode: async. A CLOSE for
/// keys with no open task is logged and ignored; the other keys go on. Entry points:
/// `NumaflowServer`.
public struct AccumulatorServer: NumaflowServer {
  public let host: ServerHost

  /// A server that makes an accumulator per key combination.
  public init(
    configuration: ServerConfiguration = .defaults,
    accumulator makeAccumulator: @escaping @Sendable () -> some Accumulator
  ) {
    host = ServerHost(endpoint: .accumulator, configuration: configuration) { lifecycle in
      [AccumulatorService(makeAccumulator: { makeAccumulator() }, lifecycle: lifecycle)]
    }
  }

  /// A server for an async closure, the accumulator's `accumulate` (see ``ClosureAccumulator``).
  public init(configuration: ServerConfiguration = .defaults, handler: @escaping ClosureAccumulator.Body) {
    self.init(configuration: configuration, accumulator: { ClosureAccumulator(handler) })
  }
}
