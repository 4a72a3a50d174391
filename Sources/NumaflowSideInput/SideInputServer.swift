/// Serves a side-input retriever on `sideinput.sock` (server-info `sideinput-server-info`),
/// in the side-input manager pod numa runs for each of a pipeline's `sideInputs`.
///
/// ```swift
/// import NumaflowSideInput
///
/// await SideInputServer { .broadcast(Data("feature-x=on".utf8)) }.runService()
/// ```
///
/// An async ``SideInputRetriever`` has one mode; a blocking ``SyncSideInputRetriever`` runs in
/// `.sync` (default, on a pool thread) or `.async` (inline). A value above
/// ``SideInputValue/maximumSize`` is a UDF failure, not sent: numa's client would refuse it.
/// Entry points: `NumaflowServer`. To read side inputs in another UDF, see
/// ``SideInputs``.
public struct SideInputServer: NumaflowServer {
  public let host: ServerHost

  /// A server for an async side-input retriever.
  public init(configuration: ServerConfiguration = .defaults, sideInputRetriever: some SideInputRetriever) {
    host = ServerHost(
      endpoint: .sideInput, configuration: configuration, handler: SideInputService.handler(sideInputRetriever),
      service: SideInputService.init)
  }

  /// A server for a blocking side-input retriever.
  public init(
    mode: ServerMode<SyncOrAsync> = .sync, configuration: ServerConfiguration = .defaults,
    sideInputRetriever: some SyncSideInputRetriever
  ) {
    host = ServerHost(
      endpoint: .sideInput, configuration: configuration, mode: mode,
      handler: SideInputService.handler(sideInputRetriever), service: SideInputService.init)
  }

  /// A server for an async closure, the retriever's `retrieve` (see ``ClosureSideInputRetriever``).
  public init(configuration: ServerConfiguration = .defaults, handler: @escaping ClosureSideInputRetriever.Body) {
    self.init(configuration: configuration, sideInputRetriever: ClosureSideInputRetriever(handler))
  }
}
