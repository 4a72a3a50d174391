import Foundation
import NumaflowProtos

/// Serves a stream map UDF on `mapstream.sock` (server-info `MAP_MODE: stream-map`).
///
/// ```swift
/// import NumaflowMapStreamer
///
/// try await MapStreamServer { keys, datum, output in
///   try await output.write(Message(datum.value, keys: keys))
/// }.run()
/// ```
///
/// Async mode only: requests run concurrently, up to `maxConcurrentRequests`, and each writes
/// its outputs as it goes.
public struct MapStreamServer: Sendable {
  package let server: UDFServer<MapStreamCall, Map_V1_MapResponse>

  /// A server for a map streamer.
  public init(mode: ServerMode = .async, configuration: ServerConfiguration = .defaults, mapStreamer: some MapStreamer)
  {
    var configuration = configuration
    configuration.mode = mode
    server = UDFServer(
      containerType: .mapper,
      socketFileName: "mapstream.sock",
      serverInfoMetadata: ["MAP_MODE": "stream-map"],
      configuration: configuration,
      handler: MapStreamService.localHandler(mapStreamer),
      handlerName: "map stream handler",
      workerCodec: nil,
      makeService: { handler, lifecycle in MapStreamService(handler: handler, lifecycle: lifecycle) }
    )
  }

  /// A server for an async closure that writes its outputs.
  public init(
    mode: ServerMode = .async,
    configuration: ServerConfiguration = .defaults,
    handler: @escaping @Sendable (_ keys: [String], _ datum: Datum, _ output: MessageWriter) async throws -> Void
  ) {
    self.init(mode: mode, configuration: configuration, mapStreamer: ClosureMapStreamer(body: handler))
  }

  /// Serves until SIGTERM or SIGINT, then drains and returns. On a UDF failure the failure is
  /// reported and persisted, and the process exits with status 1.
  public func run() async throws {
    try await server.runAsMain()
  }

  /// Serves like ``run()``, but returns a UDF failure instead of exiting and ignores signals.
  public func serve() async throws -> UDFFailure? {
    try await server.serve(stopOnSignals: false)
  }

  /// Where the server listens: `<socketDirectory>/mapstream.sock`.
  public var socketPath: String { server.socketPath }
}

private struct ClosureMapStreamer: MapStreamer {
  let body: @Sendable ([String], Datum, MessageWriter) async throws -> Void

  func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws {
    try await body(keys, datum, output)
  }
}
