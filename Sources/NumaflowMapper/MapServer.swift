/// Serves a map UDF (unary map) on `map.sock`, the way numa expects.
///
/// The three-line UDF:
/// ```swift
/// import NumaflowMapper
///
/// await MapServer { keys, datum in [Message(datum.value, keys: keys)] }.runService()
/// ```
///
/// Where the handler runs (see `ServerMode`): an async ``Mapper`` in `.async`
/// (default) or `.multiprocess` mode; a blocking ``SyncMapper`` in `.sync` (default),
/// `.async` (inline) or `.multiprocess` mode. Entry points: `NumaflowServer`.
public struct MapServer: NumaflowServer {
  public let host: ServerHost

  /// A server for an async mapper.
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async,
    configuration: ServerConfiguration = .defaults,
    mapper: some Mapper
  ) {
    host = ServerHost(
      endpoint: .map, configuration: configuration, mode: mode, handler: MapService.handler(mapper),
      relay: MapService.relay,
      service: MapService.init)
  }

  /// A server for a blocking mapper.
  public init(
    mode: ServerMode<AnyMode> = .sync, configuration: ServerConfiguration = .defaults, mapper: some SyncMapper
  ) {
    host = ServerHost(
      endpoint: .map, configuration: configuration, mode: mode, handler: MapService.handler(mapper),
      relay: MapService.relay,
      service: MapService.init)
  }

  /// A server for an async closure, the mapper's `map`:
  /// `MapServer { keys, datum in [Message(datum.value)] }`.
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async,
    configuration: ServerConfiguration = .defaults,
    handler: @escaping ClosureMapper.Body
  ) {
    self.init(mode: mode, configuration: configuration, mapper: ClosureMapper(handler))
  }
}
