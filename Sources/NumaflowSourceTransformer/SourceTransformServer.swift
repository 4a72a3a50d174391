import NumaflowProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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

  /// A server for an async transformer.
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async,
    configuration: ServerConfiguration = .defaults,
    transformer: some SourceTransformer
  ) {
    host = ServerHost(
      endpoint: .sourceTransformer, configuration: configuration, mode: mode,
      handler: SourceTransformService.handler(transformer), service: SourceTransformService.init)
  }

  /// A server for a blocking transformer.
  public init(
    mode: ServerMode<AnyMode> = .sync,
    configuration: ServerConfiguration = .defaults,
    transformer: some SyncSourceTransformer
  ) {
    host = ServerHost(
      endpoint: .sourceTransformer, configuration: configuration, mode: mode,
      handler: SourceTransformService.handler(transformer), service: SourceTransformService.init)
  }

  /// A server for an async closure.
  public init(
    mode: ServerMode<AsyncOrMultiprocess> = .async,
    configuration: ServerConfiguration = .defaults,
    handler: @escaping @Sendable (_ keys: [String], _ datum: Datum) async throws -> [Message]
  ) {
    host = ServerHost(
      endpoint: .sourceTransformer, configuration: configuration, mode: mode,
      handler: SourceTransformService.handler(handler), service: SourceTransformService.init)
  }
}
