/// Serves a source transformer on `sourcetransform.sock`, the way numa expects.
///
/// ```swift
/// import NumaflowSourceTransformer
///
/// await SourceTransformServer { keys, datum in
///   [Message(datum.value, eventTime: Date(), keys: keys)]
/// }.runService()
/// ```
///
/// Where the handler runs (see `ServerMode`): an async ``SourceTransformer`` in
/// `.async` (default) or `.multiprocess` mode; a blocking ``SyncSourceTransformer`` in `.sync`
/// (default), `.async` (inline) or `.multiprocess` mode. Entry points:
/// `NumaflowServer`.
public struct SourceTransformServer: NumaflowServer {
  public let host: ServerHost

  /// A server for an async source transformer.
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async, configuration: ServerConfiguration = .defaults,
    sourceTransformer: some SourceTransformer
  ) {
    host = Self.host(configuration, mode, SourceTransformService.handler(sourceTransformer))
  }

  /// A server for a blocking source transformer.
  public init(
    mode: ServerMode<AnyMode> = .sync, configuration: ServerConfiguration = .defaults,
    sourceTransformer: some SyncSourceTransformer
  ) {
    host = Self.host(configuration, mode, SourceTransformService.handler(sourceTransformer))
  }

  /// A server for an async closure, the transformer's `transform` (see ``ClosureSourceTransformer``).
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async, configuration: ServerConfiguration = .defaults,
    handler: @escaping ClosureSourceTransformer.Body
  ) {
    self.init(mode: mode, configuration: configuration, sourceTransformer: ClosureSourceTransformer(handler))
  }

  private static func host<Modes: ModeSet>(
    _ configuration: ServerConfiguration, _ mode: ServerMode<Modes>,
    _ handler: LocalHandler<SourceTransformService.Request, SourceTransformService.Response>
  ) -> ServerHost {
    ServerHost(
      endpoint: .sourceTransformer, configuration: configuration, mode: mode, handler: handler,
      relay: SourceTransformService.relay, service: SourceTransformService.init)
  }
}
