import Foundation
import NumaflowServingStore
import NumaflowSideInput
import NumaflowTesting
import Testing

/// The side-input and serving-store examples over a real socket: concurrent calls, and SIGTERM.
@Suite(.timeLimit(.minutes(5)))
struct SideInputServingIntegrationTests {
  @Test(arguments: ["sync", "async"])
  func aRetrieverAnswersThenStopsOnSigterm(mode: String) async throws {
    let server = try await ServerUnderTest(
      "sideinput-simple", arguments: ["--mode", mode], socket: "sideinput.sock", serverInfo: "sideinput-server-info",
      environment: ["NUMAFLOW_UD_CONTAINER_TYPE": "udsi"])
    defer { server.stop() }
    let client = SideInputTestClient(socketPath: server.socketPath)
    #expect(try await client.isReady())
    guard case .broadcast(let value) = try await client.retrieve() else {
      Issue.record("the first call did not broadcast")
      return
    }
    #expect(String(decoding: value, as: UTF8.self).hasPrefix("an example: "))
    #expect(try await client.retrieve() == .noBroadcast)
    server.terminate()
    #expect(try await server.exitStatus() == 0)
  }

  @Test func concurrentPutsOverTheSocketAllAppendThenSigtermExitsZero() async throws {
    let server = try await ServerUnderTest(
      "serving-in-memory", socket: "serving.sock", serverInfo: "serving-server-info",
      environment: ["NUMAFLOW_UD_CONTAINER_TYPE": "udstore"])
    defer { server.stop() }
    // One connection, many calls at once, as numa's sink makes them.
    try await ServingStoreTestClient.test(socketPath: server.socketPath) { client in
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<300 {
          group.addTask {
            try await client.put(
              id: "req-\(index % 3)", payloads: [Payload(origin: "serve-sink", value: Data("v\(index)".utf8))])
          }
        }
        try await group.waitForAll()
      }
      for id in 0..<3 {
        let values = try await client.get(id: "req-\(id)").map { String(decoding: $0.value, as: UTF8.self) }
        #expect(Set(values) == Set(stride(from: id, to: 300, by: 3).map { "v\($0)" }))
      }
    }
    server.terminate()
    #expect(try await server.exitStatus() == 0)
  }
}
