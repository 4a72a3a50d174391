import Foundation
import GRPCCore
import NumaflowServingStore
import NumaflowTesting
import Testing

struct Broken: ServingStore {
  struct Down: Error, CustomStringConvertible { var description: String { "redis down" } }
  func put(id: String, payloads: [Payload]) async throws { throw Down() }
  func get(id: String) async throws -> [Payload] { [] }
}

@Suite struct ServingStoreTests {
  static func payload(_ text: String, origin: String = "out") -> Payload {
    Payload(origin: origin, value: Data(text.utf8))
  }

  @Test func putsAppendAndGetsReturnThemInOrder() async throws {
    let client = ServingStoreTestClient(server: ServingStoreServer(servingStore: InMemoryServingStore()))
    try await client.withConnection { client in
      #expect(try await client.isReady())
      try await client.put(id: "r1", payloads: [Self.payload("a")])
      try await client.put(id: "r1", payloads: [Self.payload("b"), Self.payload("c", origin: "other")])
      #expect(
        try await client.get(id: "r1") == [Self.payload("a"), Self.payload("b"), Self.payload("c", origin: "other")])
      #expect(try await client.get(id: "unknown") == [])
    }
  }

  @Test func concurrentPutsForOneIdAllLand() async throws {
    let client = ServingStoreTestClient(server: ServingStoreServer(servingStore: InMemoryServingStore()))
    try await client.withConnection { client in
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<200 {
          group.addTask { try await client.put(id: "fan", payloads: [Self.payload("v\(index)")]) }
        }
        try await group.waitForAll()
      }
      let values = try await client.get(id: "fan").map { String(decoding: $0.value, as: UTF8.self) }
      #expect(Set(values) == Set((0..<200).map { "v\($0)" }))
      #expect(values.count == 200)
    }
  }

  @Test func theOldestIdsAreEvictedAtTheCaps() async throws {
    let byCount = InMemoryServingStore(maxIDs: 3)
    for id in ["a", "b", "c", "d"] { try await byCount.put(id: id, payloads: [Self.payload(id)]) }
    #expect(try await byCount.get(id: "a") == [])
    #expect(try await byCount.get(id: "d") == [Self.payload("d")])
    #expect(byCount.count == 3)

    let bySize = InMemoryServingStore(maxBytes: 10)
    try await bySize.put(id: "a", payloads: [Self.payload("12345")])
    try await bySize.put(id: "b", payloads: [Self.payload("12345")])
    try await bySize.put(id: "c", payloads: [Self.payload("1")])
    #expect(try await bySize.get(id: "a") == [])
    #expect(try await bySize.get(id: "b") == [Self.payload("12345")])
    // One id larger than the cap is still kept: it is the newest.
    try await bySize.put(id: "big", payloads: [Self.payload("0123456789abc")])
    #expect(try await bySize.get(id: "big").count == 1)
    #expect(bySize.count == 1)
  }

  @Test func anIdIsForgottenAfterItsTimeToLive() async throws {
    let clock = ManualClock()
    let store = InMemoryServingStore(timeToLive: .seconds(60), clock: clock)
    try await store.put(id: "r", payloads: [Self.payload("x")])
    clock.advance(by: .seconds(59))
    #expect(try await store.get(id: "r").count == 1)
    clock.advance(by: .seconds(1))
    #expect(try await store.get(id: "r") == [])
    #expect(store.count == 0)
  }

  @Test func aStoreThatThrowsIsAUDFFailure() async throws {
    let client = ServingStoreTestClient(
      server: ServingStoreServer(configuration: .testDefaults, servingStore: Broken()))
    await #expect {
      try await client.put(id: "r9", payloads: [Self.payload("x")])
    } throws: { error in
      (error as? RPCError)?.message == "UDF_EXECUTION_ERROR(udf): serving store put failed for Put for 'r9': redis down"
    }
  }
}
