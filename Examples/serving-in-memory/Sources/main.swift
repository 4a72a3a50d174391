// A serving store in memory for a ServingPipeline, logging every put and get. Reference
// behaviour: numaflow-java's examples/servingstore/memory, except that several puts for one id
// append (the protocol's rule; the reference overwrites) and the store is bounded:
// SERVING_MAX_IDS ids (default 100000), SERVING_MAX_BYTES bytes of payloads (default 64 MiB) and
// SERVING_TTL_SECONDS per id (default 600).
import FoundationEssentials
import Logging
import NumaflowServingStore

struct LoggedStore: ServingStore {
  let store: InMemoryServingStore
  let logger = Logger(label: "serving-in-memory")

  func put(id: String, payloads: [Payload]) async throws {
    logger.info("Putting data into the store with ID: \(id)")
    try await store.put(id: id, payloads: payloads)
  }

  func get(id: String) async throws -> [Payload] {
    logger.info("Getting data from the store with ID: \(id)")
    return try await store.get(id: id)
  }
}

let environment = ProcessInfo.processInfo.environment
let store = InMemoryServingStore(
  maxIDs: environment["SERVING_MAX_IDS"].flatMap(Int.init) ?? 100_000,
  maxBytes: environment["SERVING_MAX_BYTES"].flatMap(Int.init) ?? 64 << 20,
  timeToLive: .seconds(environment["SERVING_TTL_SECONDS"].flatMap(Int.init) ?? 600))
await ServingStoreServer(servingStore: LoggedStore(store: store)).runService()
