import Foundation
import NumaflowProtos

/// Serves a batch map UDF on `batchmap.sock` (server-info `MAP_MODE: batch-map`).
///
/// ```swift
/// import NumaflowBatchMapper
///
/// try await BatchMapServer { datums in datums.map { BatchResponse(id: $0.id, messages: [Message($0.value)]) } }.run()
/// ```
///
/// Modes: `.async` (default) for a ``BatchMapper``; `.sync` or `.async` (inline) for a
/// ``SyncBatchMapper``. Batches arrive one at a time, so there is no multiprocess mode.
public struct BatchMapServer: Sendable {
  package let server: UDFServer<[Map_V1_MapRequest], [Map_V1_MapResponse]>

  /// A server for an async batch mapper.
  public init(mode: ServerMode = .async, configuration: ServerConfiguration = .defaults, batchMapper: some BatchMapper)
  {
    self.init(mode: mode, configuration: configuration, handler: BatchMapService.localHandler(batchMapper))
  }

  /// A server for a blocking batch mapper; sync mode unless told otherwise.
  public init(
    mode: ServerMode = .sync, configuration: ServerConfiguration = .defaults, batchMapper: some SyncBatchMapper
  ) {
    self.init(mode: mode, configuration: configuration, handler: BatchMapService.localHandler(batchMapper))
  }

  /// A server for an async closure.
  public init(
    mode: ServerMode = .async,
    configuration: ServerConfiguration = .defaults,
    handler: @escaping @Sendable (_ datums: [Datum]) async throws -> [BatchResponse]
  ) {
    self.init(mode: mode, configuration: configuration, batchMapper: ClosureBatchMapper(body: handler))
  }

  init(
    mode: ServerMode, configuration: ServerConfiguration,
    handler: LocalHandler<[Map_V1_MapRequest], [Map_V1_MapResponse]>
  ) {
    var configuration = configuration
    configuration.mode = mode
    server = UDFServer(
      containerType: .mapper,
      socketFileName: "batchmap.sock",
      serverInfoMetadata: ["MAP_MODE": "batch-map"],
      configuration: configuration,
      handler: handler,
      handlerName: "batch map handler",
      workerCodec: nil,
      makeService: { handler, lifecycle in BatchMapService(handler: handler, lifecycle: lifecycle) }
    )
  }

  /// Serves until SIGTERM or SIGINT, then drains and returns. On a UDF failure (including a
  /// wrong set of response ids) the failure is reported and persisted, and the process exits 1.
  public func run() async throws {
    try await server.runAsMain()
  }

  /// Serves like ``run()``, but returns a UDF failure instead of exiting and ignores signals.
  public func serve() async throws -> UDFFailure? {
    try await server.serve(stopOnSignals: false)
  }

  /// Where the server listens: `<socketDirectory>/batchmap.sock`.
  public var socketPath: String { server.socketPath }
}

private struct ClosureBatchMapper: BatchMapper {
  let body: @Sendable ([Datum]) async throws -> [BatchResponse]

  func mapBatch(_ datums: [Datum]) async throws -> [BatchResponse] {
    try await body(datums)
  }
}
