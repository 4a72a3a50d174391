/// A side-input retriever: the UDF of a pipeline's side-input manager pod. Numa calls it once at
/// start, then on the side input's `trigger.schedule`, and broadcasts each value it returns to
/// every vertex that reads the side input.
///
/// ```swift
/// struct ModelVersion: SideInputRetriever {
///   func retrieve() async throws -> SideInputValue {
///     .broadcast(Data(try await registry.latestVersion().utf8))
///   }
/// }
/// await SideInputServer(sideInputRetriever: ModelVersion()).runService()
/// ```
public protocol SideInputRetriever: Sendable {
  /// The side input's value now, or ``SideInputValue/noBroadcast`` to leave the current one.
  func retrieve() async throws -> SideInputValue
}

/// A side-input retriever with a plain, blocking handler: served in `.sync` mode on a pool
/// thread (the default), or inline in `.async` mode.
public protocol SyncSideInputRetriever: Sendable {
  /// The side input's value now, or ``SideInputValue/noBroadcast`` to leave the current one.
  func retrieve() throws -> SideInputValue
}
