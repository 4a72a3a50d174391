/// Serves a ``ServingStore`` on `serving.sock` (server-info `serving-server-info`, which numa
/// does not read), as the `udstore` container of a ServingPipeline.
///
/// ```swift
/// import NumaflowServingStore
///
/// await ServingStoreServer(servingStore: InMemoryServingStore()).runService()
/// ```
///
/// Puts and gets run concurrently, in the store's own async code: one mode. An error the store
/// throws is a UDF failure, as a handler's is everywhere. Entry points:
/// `NumaflowServer`.
public struct ServingStoreServer: NumaflowServer {
  public let host: ServerHost

  public init(configuration: ServerConfiguration = .defaults, servingStore: some ServingStore) {
    host = ServerHost(endpoint: .serving, configuration: configuration) { lifecycle in
      [ServingStoreService(store: servingStore, lifecycle: lifecycle)]
    }
  }
}
