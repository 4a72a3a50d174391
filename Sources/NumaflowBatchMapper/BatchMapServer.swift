/// Serves a batch map UDF on `batchmap.sock` (server-info `MAP_MODE: batch-map`).
///
/// ```swift
/// import NumaflowBatchMapper
///
/// await BatchMapServer { datums in datums.map { BatchResponse(id: $0.id, messages: [Message($0.value)]) } }.runService()
/// ```
///
/// An async ``BatchMapper`` has one mode, so there is no `mode` to choose; a blocking
/// ``SyncBatchMapper`` runs in `.sync` (default) or `.async` (inline) mode. Batches arrive
/// one at a time, so there is no multiprocess mode. Entry points: `NumaflowServer`.
public struct BatchMapServer: NumaflowServer {
  public let host: ServerHost

  /// A server for an async batch mapper.
  public init(configuration: ServerConfiguration = .defaults, batchMapper: some BatchMapper) {
    host = ServerHost(
      endpoint: .batchMap, configuration: configuration, handler: BatchMapService.handler(batchMapper),
      service: BatchMapService.init)
  }

  /// A server for a blocking batch mapper.
  public init(
    mode: ServerMode<SyncOrAsync> = .sync, configuration: ServerConfiguration = .defaults,
    batchMapper: some SyncBatchMapper
  ) {
    host = ServerHost(
      endpoint: .batchMap, configuration: configuration, mode: mode, handler: BatchMapService.handler(batchMapper),
      service: BatchMapService.init)
  }

  /// A server for an async closure, the batch mapper's `mapBatch` (see ``ClosureBatchMapper``).
  public init(configuration: ServerConfiguration = .defaults, handler: @escaping ClosureBatchMapper.Body) {
    self.init(configuration: configuration, batchMapper: ClosureBatchMapper(handler))
  }
}
