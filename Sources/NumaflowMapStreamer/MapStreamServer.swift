/// Serves a stream map UDF on `mapstream.sock` (server-info `MAP_MODE: stream-map`).
///
/// ```swift
/// import NumaflowMapStreamer
///
/// await MapStreamServer { keys, datum, output in
///   try await output.write(Message(datum.value, keys: keys))
/// }.runService()
/// ```
///
/// There is one mode, so there is no `mode` to choose: requests run concurrently as child
/// tasks, up to `maxConcurrentRequests`, and each writes its outputs as it goes. Entry points:
/// `NumaflowServer`.
public struct MapStreamServer: NumaflowServer {
  public let host: ServerHost

  /// A server for a map streamer.
  public init(configuration: ServerConfiguration = .defaults, mapStreamer: some MapStreamer) {
    host = ServerHost(
      endpoint: .mapStream, configuration: configuration, handler: MapStreamService.handler(mapStreamer),
      service: MapStreamService.init)
  }

  /// A server for an async closure, the streamer's `mapStream` (see ``ClosureMapStreamer``).
  public init(configuration: ServerConfiguration = .defaults, handler: @escaping ClosureMapStreamer.Body) {
    self.init(configuration: configuration, mapStreamer: ClosureMapStreamer(handler))
  }
}
