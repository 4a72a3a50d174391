/// Serves a sink UDF. The socket and server-info follow `NUMAFLOW_UD_CONTAINER_TYPE`, as numa
/// sets it: `sink.sock` and `sinker-server-info` for the primary sink, `fb-sink.sock` and
/// `fb-sinker-server-info` for a fallback sink (`fb-udsink`), `ons-sink.sock` and
/// `ons-sinker-server-info` for an on-success sink (`ons-udsink`). The same binary can serve
/// all three roles.
///
/// ```swift
/// import NumaflowSinker
///
/// await SinkServer { datums in
///   var responses: [Response] = []
///   for datum in datums { responses.append(.ok(datum.id)) }
///   return responses
/// }.runService()
/// ```
///
/// Modes:
/// - `.async` (an async ``Sinker``'s default): one batch at a time, in the handler.
/// - `.sync` (a ``SyncSinker``'s default): the blocking handler runs on a thread of the pool.
/// - `.multiprocess`: each batch is cut into one contiguous part per worker process, the parts
///   are written at once, each by its worker's handler, and their responses are joined before
///   numa gets the batch's EOT. A handler then sees only its part: one call per part, not per
///   batch, so a bulk write covers a part, and ordering holds only within a part. A worker that
///   dies fails the batch, and numa sends the whole batch again.
///
/// Entry points: `NumaflowServer`.
public struct SinkServer: NumaflowServer {
  public let host: ServerHost

  /// A server for an async sinker.
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async, configuration: ServerConfiguration = .defaults,
    sinker: some Sinker
  ) {
    host = Self.host(configuration: configuration, mode: mode, handler: SinkService.handler(sinker))
  }

  /// A server for a blocking sinker.
  public init(
    mode: ServerMode<AnyMode> = .sync, configuration: ServerConfiguration = .defaults, sinker: some SyncSinker
  ) {
    host = Self.host(configuration: configuration, mode: mode, handler: SinkService.handler(sinker))
  }

  /// A server for an async closure, the sinker's `sink` (see ``ClosureSinker``).
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async, configuration: ServerConfiguration = .defaults,
    handler: @escaping ClosureSinker.Body
  ) {
    self.init(mode: mode, configuration: configuration, sinker: ClosureSinker(handler))
  }

  private static func host<Modes: ModeSet>(
    configuration: ServerConfiguration, mode: ServerMode<Modes>,
    handler: LocalHandler<SinkService.Batch, [SinkService.Result]>
  ) -> ServerHost {
    let endpoint = Endpoint.sink(forContainerType: configuration.udContainerType)
    return ServerHost(endpoint: endpoint, configuration: configuration, mode: mode, handler: handler) {
      SinkService(handler: $0, lifecycle: $1, endpoint: endpoint)
    }
  }
}
