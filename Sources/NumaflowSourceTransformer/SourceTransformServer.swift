import Foundation
import NumaflowProtos

/// Serves a source transformer on `sourcetransform.sock`, the way numa expects.
///
/// ```swift
/// import NumaflowSourceTransformer
///
/// try await SourceTransformServer { keys, datum in
///   [Message(datum.value, eventTime: Date(), keys: keys)]
/// }.run()
/// ```
///
/// Modes as for every server (see ``NumaflowCore/ServerMode``): an async
/// ``SourceTransformer`` runs in `.async` (default) or `.multiprocess` mode; a blocking
/// ``SyncSourceTransformer`` in `.sync`, `.multiprocess` or `.async`.
public struct SourceTransformServer: Sendable {
  package let server:
    UDFServer<Sourcetransformer_V1_SourceTransformRequest, Sourcetransformer_V1_SourceTransformResponse>

  /// A server for an async transformer.
  public init(
    mode: ServerMode = .async, configuration: ServerConfiguration = .defaults, transformer: some SourceTransformer
  ) {
    self.init(mode: mode, configuration: configuration, handler: SourceTransformService.localHandler(transformer))
  }

  /// A server for a blocking transformer; sync mode unless told otherwise.
  public init(
    mode: ServerMode = .sync, configuration: ServerConfiguration = .defaults, transformer: some SyncSourceTransformer
  ) {
    self.init(mode: mode, configuration: configuration, handler: SourceTransformService.localHandler(transformer))
  }

  /// A server for an async closure.
  public init(
    mode: ServerMode = .async,
    configuration: ServerConfiguration = .defaults,
    handler: @escaping @Sendable (_ keys: [String], _ datum: Datum) async throws -> [Message]
  ) {
    self.init(mode: mode, configuration: configuration, transformer: ClosureTransformer(body: handler))
  }

  init(
    mode: ServerMode,
    configuration: ServerConfiguration,
    handler: LocalHandler<Sourcetransformer_V1_SourceTransformRequest, Sourcetransformer_V1_SourceTransformResponse>
  ) {
    var configuration = configuration
    configuration.mode = mode
    server = UDFServer(
      containerType: .sourceTransformer,
      socketFileName: "sourcetransform.sock",
      serverInfoMetadata: [:],
      configuration: configuration,
      handler: handler,
      handlerName: "source transformer",
      workerCodec: .protobuf(requestID: \.request.id),
      makeService: { handler, lifecycle in SourceTransformService(handler: handler, lifecycle: lifecycle) }
    )
  }

  /// Serves until SIGTERM or SIGINT, then drains in-flight work and returns. On a UDF failure
  /// the failure is reported and persisted, and the process exits with status 1.
  /// - Throws: ``NumaflowCore/ConfigurationError`` or a transport error when the server cannot start.
  public func run() async throws {
    try await server.runAsMain()
  }

  /// Serves like ``run()``, but returns a UDF failure instead of exiting and ignores signals.
  public func serve() async throws -> UDFFailure? {
    try await server.serve(stopOnSignals: false)
  }

  /// Where the server listens: `<socketDirectory>/sourcetransform.sock`.
  public var socketPath: String { server.socketPath }
}

private struct ClosureTransformer: SourceTransformer {
  let body: @Sendable ([String], Datum) async throws -> [Message]

  func transform(keys: [String], datum: Datum) async throws -> [Message] {
    try await body(keys, datum)
  }
}
