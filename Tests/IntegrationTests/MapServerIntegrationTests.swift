import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowMapper
import NumaflowProtos
import NumaflowTesting
import Testing

/// A real server process on a real Unix socket, in each mode, driven by the client numaflow-dev uses.
@Suite(.timeLimit(.minutes(5)))
struct MapServerIntegrationTests {
  static let modes = ["async", "sync", "multiprocess"]

  @Test(arguments: modes)
  func publishesServerInfoAndAnswersIsReady(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    let bytes = try #require(FileManager.default.contents(atPath: server.serverInfoPath))
    #expect(
      String(decoding: bytes, as: UTF8.self)
        == #"{"language":"swift","metadata":{"MAP_MODE":"unary-map"},"minimum_numaflow_version":"1.8.0-z","#
        + #""protocol":"uds","version":"\#(NumaflowSDK.version)"}U+005C__END__"#
    )
    #expect(try await server.client.isReady())
  }

  @Test(arguments: modes)
  func tenThousandRequestsWithManyInFlight(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    let datums = (0..<10_000).map { Datum(keys: ["k\($0 % 3)"], value: Data("v\($0)".utf8)) }
    let outputs = try await server.client.map(datums)
    for (index, messages) in outputs.enumerated() {
      #expect(messages == [Message("v\(index)", keys: ["k\(index % 3)"], tags: ["echo"])])
    }
  }

  @Test(arguments: modes)
  func idsDropTagsKeysHeadersAndMetadata(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    var metadata = MessageMetadata()
    metadata["user", "bytes"] = Data([0, 255])
    let datums = [
      Datum(keys: ["a"], value: Data("drop".utf8)),
      Datum(keys: ["b"], value: Data("fanout:3".utf8)),
      Datum(keys: ["c"], value: Data("hello".utf8), headers: ["X-Numaflow-Id": "42"], userMetadata: metadata),
    ]
    let ids = ["in-0-0", "in-1-ü", "in-2-\(String(repeating: "z", count: 300))"]
    let requests = [Map_V1_MapRequest.handshakeRequest] + zip(datums, ids).map { $0.mapRequest(id: $1) }
    let outcome = try await server.client.exchange(requests, awaitingResponses: 4)
    #expect(outcome.error == nil)
    let byID = Dictionary(
      uniqueKeysWithValues: outcome.responses.dropFirst().map { ($0.id, $0.results.map(Message.init)) })
    #expect(Set(byID.keys) == Set(ids))
    #expect(byID[ids[0]] == [Message(Data(), tags: ["U+005C__DROP__"])])
    #expect(byID[ids[1]] == [Message("0", keys: ["b"]), Message("1", keys: ["b"]), Message("2", keys: ["b"])])
    var expected = metadata
    expected["headers", "X-Numaflow-Id"] = Data("42".utf8)
    #expect(byID[ids[2]] == [Message("hello", keys: ["c"], tags: ["echo"], userMetadata: expected)])
  }

  @Test(arguments: modes, [1 << 20, 60 << 20])
  func largePayloads(mode: String, size: Int) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    let payload = Data.patterned(count: size)
    // Near numa's 64 MiB limit a debug build on one busy core takes long: CI's one-core run took
    // over a minute for 60 MiB on a slow host. The bound is there to name a hang, not a speed.
    let outcome = try await server.client.exchange(
      [.handshakeRequest, Datum(value: payload).mapRequest(id: "large")], awaitingResponses: 2,
      timeout: .seconds(240))
    #expect(outcome.error == nil)
    #expect(outcome.responses.last?.results.first?.value == payload)
  }

  @Test(arguments: modes)
  func misuseIsRefusedAndTheServerKeepsServing(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }

    let early = try await server.client.exchange(
      [Datum(value: Data("x".utf8)).mapRequest(id: "early")], awaitingResponses: 1)
    #expect(early.error?.code == .failedPrecondition)
    #expect(early.error?.message.contains("first message must be a handshake") == true)

    let twice = try await server.client.exchange(
      [
        Map_V1_MapRequest.handshakeRequest, Datum(value: Data("a".utf8)).mapRequest(id: "a"),
        Map_V1_MapRequest.handshakeRequest,
      ],
      awaitingResponses: 3)
    #expect(twice.responses.map(\.id) == ["", "a"])
    #expect(twice.error?.code == .failedPrecondition)
    #expect(twice.error?.message.contains("second handshake") == true)

    #expect(try await server.client.isReady())
    #expect(try await server.client.map(Datum(value: Data("still here".utf8))).first?.value == Data("still here".utf8))
    #expect(server.process.isRunning)
  }

  /// Every mode through the container entry point (exit 1); the same failure thrown from the
  /// `Service`'s `run()` (the fixture catches it and exits 3), and beside another service.
  @Test(
    arguments: modes.map { (["--mode", $0], Int32(1)) } + [(["--entry", "run"], 3), (["--entry", "alongside"], 1)])
  func aThrowingHandlerIsReportedPersistedAndEndsTheProcess(arguments: [String], exitStatus: Int32) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: arguments)
    defer { server.stop() }
    let requests = [
      Map_V1_MapRequest.handshakeRequest, Datum(value: Data("ok".utf8)).mapRequest(id: "fine-1"),
      Datum(value: Data("throw:disk full".utf8)).mapRequest(id: "doomed-2"),
    ]
    let outcome = try await server.client.exchange(requests, awaitingResponses: 3)

    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): map handler failed for request 'doomed-2'"))
    #expect(error.message.contains("fixture error: disk full"))
    let debugInfo = try #require(try error.unpackGoogleRPCStatus()?.details.first?.debugInfo)
    #expect(debugInfo.detail.contains("doomed-2"))
    // The request that succeeded was answered before the stream failed.
    #expect(outcome.responses.contains { $0.id == "fine-1" })

    #expect(try await server.exitStatus() == exitStatus)
    let files = try FileManager.default.contentsOfDirectory(atPath: server.errorDirectory)
    let file = try #require(files.first { $0.hasSuffix("-udf.json") })
    let contents = try #require(FileManager.default.contents(atPath: server.errorDirectory + "/" + file))
    let entry = try #require(try JSONSerialization.jsonObject(with: contents) as? [String: Any])
    #expect(entry["message"] as? String == error.message)
    #expect(entry["container"] as? String == "udf")
    #expect(!FileManager.default.fileExists(atPath: server.socketPath))
  }

  /// Every mode (multiprocess with both kinds of handler), and the server run by a
  /// swift-service-lifecycle `ServiceGroup` that stops on SIGTERM.
  @Test(
    arguments: modes.map { ["--mode", $0] } + [
      ["--mode", "multiprocess", "--handler", "sync"], ["--entry", "service-group"], ["--entry", "alongside"],
    ])
  func sigtermMidBatchAnswersEverythingInFlightAndExitsZero(arguments: [String]) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: arguments)
    defer { server.stop() }
    let ids = (0..<8).map { "slow-\($0)" }
    // A quick request after the slow ones: once anything is answered, the server has read them
    // all, and they are in flight when SIGTERM comes.
    let requests =
      [Map_V1_MapRequest.handshakeRequest] + ids.map { Datum(value: Data("sleep:300".utf8)).mapRequest(id: $0) }
      + [Datum(value: Data("quick".utf8)).mapRequest(id: "quick")]
    let outcome = try await server.client.exchange(requests, awaitingResponses: ids.count + 2, afterResponses: 2) {
      server.terminate()
    }
    #expect(outcome.error == nil)
    #expect(Set(outcome.responses.dropFirst().map(\.id)) == Set(ids + ["quick"]))
    #expect(try await server.exitStatus() == 0)
    #expect(!FileManager.default.fileExists(atPath: server.socketPath))
    #expect(!FileManager.default.fileExists(atPath: server.serverInfoPath))
  }

  /// A worker runs a blocking handler on the thread that writes its replies: the reply to one
  /// request must leave before the next request's handler blocks (it waited for it once).
  @Test func aWorkersReplyLeavesBeforeItsNextBlockingHandlerEnds() async throws {
    let marker = try makeDirectory() + "/go"
    let server = try await ServerUnderTest(
      "fixture-server", arguments: ["--mode", "multiprocess", "--handler", "sync"],
      environment: ["NUMAFLOW_CPU_LIMIT": "1"])
    defer { server.stop() }
    let requests = [
      Map_V1_MapRequest.handshakeRequest, Datum(value: Data("quick".utf8)).mapRequest(id: "quick"),
      Datum(value: Data("await-file:\(marker)".utf8)).mapRequest(id: "blocked"),
    ]
    // The blocked handler returns once "quick" is answered and the file is made.
    let outcome = try await server.client.exchange(requests, awaitingResponses: 3, afterResponses: 2) {
      _ = FileManager.default.createFile(atPath: marker, contents: nil)
    }
    #expect(outcome.error == nil)
    #expect(outcome.responses.dropFirst().map(\.id) == ["quick", "blocked"])
  }

  @Test func aTrappingWorkerIsReportedWithTheRequestsItHeld() async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", "multiprocess"])
    defer { server.stop() }
    let outcome = try await server.client.exchange(
      [Map_V1_MapRequest.handshakeRequest, Datum(value: Data("trap".utf8)).mapRequest(id: "fatal-7")],
      awaitingResponses: 2)

    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): map handler failed for request 'fatal-7'"))
    #expect(error.message.contains("was killed by signal"))
    #expect(error.message.contains("'fatal-7'"))
    #expect(try await server.exitStatus() == 1)
  }
}
