import Foundation
import GRPCCore
import NumaflowProtos
import NumaflowSinker
import NumaflowTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The sink fixture (Tests/Fixtures/fixture-server/SinkFixture.swift) over a real socket, in
/// each of its modes, as numa drives it.
@Suite(.timeLimit(.minutes(5)))
struct SinkIntegrationTests {
  static let modes = ["async", "sync", "multiprocess"]

  static func start(mode: String, role: String = "udsink", arguments: [String] = []) async throws -> ServerUnderTest {
    let socket = Endpoint.sink(forContainerType: role).socketFileName
    return try await ServerUnderTest(
      "fixture-server", arguments: ["--kind", "sink", "--mode", mode] + arguments, socket: socket,
      serverInfo: socket.replacingOccurrences(of: ".sock", with: "er-server-info"),
      environment: ["NUMAFLOW_UD_CONTAINER_TYPE": role, "NUMAFLOW_CPU_LIMIT": "2"])
  }

  static func datums(_ values: [String]) -> [Datum] { values.map { Datum(value: Data($0.utf8)) } }

  @Test(arguments: modes)
  func largeBatchesUnderLoadAreAnsweredInFull(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    let client = server.sinkClient
    try await withThrowingTaskGroup(of: Void.self) { group in
      for stream in 0..<3 {
        group.addTask {
          let batches = (0..<4).map { batch in Self.datums((0..<2_000).map { "s\(stream)-b\(batch)-\($0)" }) }
          let answered = try await client.sink(batches: batches)
          #expect(answered.map(\.count) == [2_000, 2_000, 2_000, 2_000])
          #expect(answered.allSatisfy { $0.allSatisfy { $0.status == .ok } })
        }
      }
      try await group.waitForAll()
    }
    server.terminate()
    #expect(try await server.exitStatus() == 0)
  }

  @Test(arguments: modes)
  func everyResponseKindReachesTheWire(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    let responses = try await server.sinkClient.sink(
      Self.datums([
        "plain", "fail:disk full", "fallback", "serve:result", "serve", "onsuccess:copy", "onsuccess", "nack",
      ]))
    #expect(
      responses.map(\.status) == [
        .ok, .failure(reason: "disk full"), .fallback, .serve(payload: Data("result".utf8)), .serve(payload: nil),
        .onSuccess(NumaflowSinker.Message("copy", keys: ["on_success"])), .onSuccess(nil),
        .nack(NackOptions(reason: "fixture", maxDeliveries: 3, delay: .milliseconds(1500), values: ["a": "b"])),
      ])
  }

  @Test(arguments: modes)
  func multiprocessSharesABatchAmongTheWorkers(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    let responses = try await server.sinkClient.sink(Self.datums(Array(repeating: "pid", count: 100)))
    let pids = responses.map { response -> String in
      guard case .serve(let payload?) = response.status else { return "" }
      return String(decoding: payload, as: UTF8.self)
    }
    // Each worker answers one contiguous part: the pid changes once for two workers.
    let parts = zip(pids, pids.dropFirst()).filter { $0 != $1 }.count + 1
    #expect(parts == (mode == "multiprocess" ? 2 : 1))
    #expect(Set(pids).contains(String(server.pid)) == (mode != "multiprocess"))
  }

  @Test(arguments: [
    ("forget", "no response for 'request-1'"), ("twice", "more than one response for 'request-1'"),
    ("invent", "responses for ids not in the batch: 'stranger'"),
  ])
  func aWrongSetOfIdsFailsTheBatchNamingThem(fault: String, expected: String) async throws {
    for mode in Self.modes {
      let server = try await Self.start(mode: mode)
      defer { server.stop() }
      await #expect {
        _ = try await server.sinkClient.sink(Self.datums(["ok", fault, "ok"]))
      } throws: { error in
        guard let error = error as? RPCError else { return false }
        return error.code == .internalError && error.message.hasPrefix("UDF_EXECUTION_ERROR(udsink): sink handler")
          && error.message.contains(expected)
      }
      #expect(try await server.exitStatus() == 1, "mode \(mode)")
      let failure = try server.persistedFailure()
      #expect((failure["message"] as? String)?.contains(expected) == true, "mode \(mode)")
    }
  }

  @Test(arguments: modes)
  func aThrowingHandlerFailsTheBatchAndTheServerExitsNonZero(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    await #expect {
      _ = try await server.sinkClient.sink(Self.datums(["ok", "throw:boom"]))
    } throws: { error in
      (error as? RPCError)?.message.contains("sink handler failed for a batch of") == true
        && (error as? RPCError)?.message.contains("fixture error: boom") == true
    }
    #expect(try await server.exitStatus() == 1)
  }

  @Test(arguments: modes)
  func misuseIsAnsweredClearlyAndTheServerKeepsServing(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    let client = server.sinkClient
    let early = try await client.exchange(
      [Datum(value: Data()).sinkRequest(id: "early"), .endOfBatch], awaitingResponses: 1)
    #expect(early.error?.code == .failedPrecondition)
    #expect(early.responses.allSatisfy { $0.results.isEmpty })

    let second = try await client.exchange(
      [.handshakeRequest, Datum(value: Data()).sinkRequest(id: "a"), .handshakeRequest, .endOfBatch],
      awaitingResponses: 3)
    #expect(second.error?.code == .failedPrecondition)
    #expect(second.error?.message.contains("second handshake") == true)
    #expect(!second.responses.flatMap(\.results).contains { $0.id.isEmpty }, "the handshake counted as a datum")

    #expect(try await client.sink(Self.datums(["after"])).map(\.status) == [.ok])
    #expect(!FileManager.default.fileExists(atPath: server.errorDirectory), "misuse is no UDF failure")
  }

  @Test(arguments: modes)
  func aHalfCloseInTheMiddleOfABatchAnswersItAndEndsTheStream(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    let requests =
      [Sink_V1_SinkRequest.handshakeRequest]
      + (0..<50).map {
        Datum(value: Data("v\($0)".utf8)).sinkRequest(id: "m\($0)")
      }
    // No EOT: the client half-closes after the requests, and the stream must still end.
    let outcome = try await server.sinkClient.exchange(requests, awaitingResponses: 1)
    #expect(outcome.error == nil)
    #expect(Set(outcome.responses.flatMap(\.results).map(\.id)) == Set((0..<50).map { "m\($0)" }))
    #expect(outcome.responses.last?.status.eot == true)
  }

  @Test func aWorkerThatDiesMidBatchFailsTheBatchNamingIt() async throws {
    let server = try await Self.start(mode: "multiprocess")
    defer { server.stop() }
    // Two workers: one gets "ok", "trap" and dies on the second; the other answers its part.
    let requests =
      [Sink_V1_SinkRequest.handshakeRequest]
      + ["ok", "trap", "ok", "ok"].enumerated().map { Datum(value: Data($1.utf8)).sinkRequest(id: "m\($0)") }
      + [.endOfBatch]
    let outcome = try await server.sinkClient.exchange(requests, awaitingResponses: 3)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(error.message.contains("worker process"))
    #expect(error.message.hasSuffix("while handling request(s) 'm0' … 'm1'"))
    #expect(outcome.responses.flatMap(\.results).isEmpty, "part of a batch was answered")
    #expect(try await server.exitStatus() == 1)
    #expect(try server.persistedFailure()["message"] as? String == error.message)
  }

  @Test(arguments: modes)
  func sigtermDuringABatchAnswersTheWholeBatchAndExitsZero(mode: String) async throws {
    let server = try await Self.start(mode: mode)
    defer { server.stop() }
    let requests =
      [Sink_V1_SinkRequest.handshakeRequest]
      + (0..<10).map { Datum(value: Data("sleep:100".utf8)).sinkRequest(id: "m\($0)") } + [.endOfBatch]
    let outcome = try await server.sinkClient.exchange(requests, awaitingResponses: 3) { server.terminate() }
    #expect(outcome.error == nil)
    #expect(outcome.responses.flatMap(\.results).map(\.id).sorted() == (0..<10).map { "m\($0)" }.sorted())
    #expect(outcome.responses.last?.status.eot == true)
    #expect(try await server.exitStatus() == 0)
  }

  @Test(arguments: [("fb-udsink", "fallback"), ("ons-udsink", "on-success")])
  func secondarySinksServeOnTheirOwnSocket(role: String, name: String) async throws {
    let server = try await Self.start(mode: "async", role: role)
    defer { server.stop() }
    #expect(try await server.sinkClient.sink(Self.datums(["ok", "onsuccess"])).count == 2)
    await #expect(throws: RPCError.self) { _ = try await server.sinkClient.sink(Self.datums(["fallback"])) }
    #expect(try await server.exitStatus() == 1)
  }
}
