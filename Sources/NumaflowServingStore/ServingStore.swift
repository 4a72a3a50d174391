/// A serving store: where a ServingPipeline's results wait until its HTTP caller fetches them.
///
/// Numa's sink side calls ``put(id:payloads:)`` once per result, concurrently, with the
/// request's `X-Numaflow-Id` as `id`; the serving server calls ``get(id:)`` to answer the
/// caller. A request can have several results (a flat-map upstream), so puts for one id must
/// **append**, never overwrite.
///
/// ```swift
/// await ServingStoreServer(servingStore: InMemoryServingStore(maxIDs: 100_000, timeToLive: .seconds(600))).runService()
/// ```
public protocol ServingStore: Sendable {
  /// Appends `payloads` to what is stored for `id`.
  func put(id: String, payloads: [Payload]) async throws
  /// Everything stored for `id`, in the order it was put; empty when there is nothing.
  func get(id: String) async throws -> [Payload]
}
