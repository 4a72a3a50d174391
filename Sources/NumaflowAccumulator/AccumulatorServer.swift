/// Serves an accumulator UDF on `accumulator.sock` (server-info `accumulator-server-info`), for a
/// vertex whose window is `accumulator: {timeout: ...}`.
///
/// ```swift
/// import NumaflowAccumulator
///
/// await AccumulatorServer { StreamSorter() }.runService()
/// ```
///
/// The factory makes a fresh accumulator per key combination. One mode: async. A CLOSE for
/// keys with no open task is logged and ignored; the other keys go on. Entry points:
/// `NumaflowServer`.
public struct AccumulatorServer: NumaflowServer {
  public let host: ServerHost

  public init(
    configuration: ServerConfiguration = .defaults,
    accumulator makeAccumulator: @escaping @Sendable () -> some Accumulator
  ) {
    host = ServerHost(endpoint: .accumulator, configuration: configuration) { lifecycle in
      [AccumulatorService(makeAccumulator: { makeAccumulator() }, lifecycle: lifecycle)]
    }
  }
}
