import Foundation
import NumaflowProtos

/// Serves a map UDF (unary map) on `map.sock`, the way numa expects.
///
/// The three-line UDF:
/// ```swift
/// import NumaflowMapper
///
/// try await MapServer { keys, datum in [Message(datum.value, keys: keys)] }.run()
/// ```
///
/// Choose where the handler runs with `mode` (see ``NumaflowCore/ServerMode``): an async
/// ``Mapper`` runs in `.async` (default) or `.multiprocess` mode; a blocking ``SyncMapper`` in
/// `.sync`, `.multiprocess` or `.async`.
public struct MapServer: Sendable {
  package let server: UDFServer<Map_V1_MapRequest, Map_V1_MapResponse>

  /// A server for an async mapper.
  public init(mode: ServerMode = .async, configuration: ServerConfiguration = .defaults, mapper: some Mapper) {
    self.init(mode: mode, configuration: configuration, handler: MapService.localHandler(mapper))
  }

  /// A server for a blocking mapper; sync mode unless told otherwise.
  public init(mode: ServerMode = .sync, configuration: ServerConfiguration = .defaults, mapper: some SyncMapper) {
    self.init(mode: mode, configuration: configuration, handler: MapService.localHandler(mapper))
  }

  /// A server for an async closure: `MapServer { keys, datum in [Message(datum.value)] }`.
  public init(
    mode: ServerMode = .async,
    configuration: ServerConfiguration = .defaults,
    handler: @escaping @Sendable (_ keys: [String], _ datum: Datum) async throws -> [Message]
  ) {
    self.init(mode: mode, configuration: configuration, mapper: ClosureMapper(body: handler))
  }

  init(
    mode: ServerMode, configuration: ServerConfiguration, handler: LocalHandler<Map_V1_MapRequest, Map_V1_MapResponse>
  ) {
    var configuration = configuration
    configuration.mode = mode
    server = UDFServer(
      containerType: .mapper,
      socketFileName: "map.sock",
      serverInfoMetadata: ["MAP_MODE": "unary-map"],
      configuration: configuration,
      handler: handler,
      handlerName: "map handler",
      workerCodec: .protobuf(requestID: \.id),
      makeService: { handler, lifecycle in MapService(handler: handler, lifecycle: lifecycle) }
    )
  }

  /// Serves until SIGTERM or SIGINT, then drains in-flight work and returns.
  ///
  /// On a UDF failure (a handler threw, or a worker process died) the failure is sent to numa,
  /// persisted for the Numaflow UI, and the process exits with status 1 so that Kubernetes
  /// restarts the container.
  /// - Throws: ``NumaflowCore/ConfigurationError`` or a transport error when the server cannot start
  ///   (for instance, the socket directory is not writable).
  public func run() async throws {
    try await server.runAsMain()
  }

  /// Serves like ``run()``, but returns a UDF failure instead of exiting and ignores signals:
  /// for embedding the server in a process that manages its own lifecycle, and for tests.
  /// Stop it by cancelling the task.
  public func serve() async throws -> UDFFailure? {
    try await server.serve(stopOnSignals: false)
  }

  /// Where the server listens: `<socketDirectory>/map.sock`.
  public var socketPath: String { server.socketPath }
}

private struct ClosureMapper: Mapper {
  let body: @Sendable ([String], Datum) async throws -> [Message]

  func map(keys: [String], datum: Datum) async throws -> [Message] {
    try await body(keys, datum)
  }
}
