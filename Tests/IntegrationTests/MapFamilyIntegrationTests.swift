import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowMapper
import NumaflowProtos
import NumaflowTesting
import Testing

/// Stream map and batch map servers as real processes on real Unix sockets.
@Suite(.timeLimit(.minutes(5)))
struct MapFamilyIntegrationTests {
  func streamServer() async throws -> ServerUnderTest {
    try await ServerUnderTest("fixture-server", arguments: ["--kind", "mapstream"], socket: "mapstream.sock")
  }

  func batchServer(_ mode: String) async throws -> ServerUnderTest {
    try await ServerUnderTest(
      "fixture-server", arguments: ["--kind", "batchmap", "--mode", mode], socket: "batchmap.sock")
  }

  @Test func streamMapAnswersManyRequestsInFlight() async throws {
    let server = try await streamServer()
    defer { server.stop() }
    let info = String(
      decoding: try #require(FileManager.default.contents(atPath: server.serverInfoPath)), as: UTF8.self)
    #expect(info.contains(#""metadata":{"MAP_MODE":"stream-map"}"#))
    let client = MapStreamTestClient(socketPath: server.socketPath)
    let datums = (0..<2_000).map { Datum(keys: ["k"], value: Data(($0 % 2 == 0 ? "fanout:3" : "v\($0)").utf8)) }
    let outputs = try await client.mapStream(datums)
    for (index, messages) in outputs.enumerated() {
      if index % 2 == 0 {
        #expect(messages == ["0", "1", "2"].map { Message($0, keys: ["k"]) })
      } else {
        #expect(messages == [Message("v\(index)", keys: ["k"], tags: ["echo"])])
      }
    }
  }

  @Test func streamMapWritesAHundredThousandOutputsWithoutHoldingThem() async throws {
    let server = try await streamServer()
    defer { server.stop() }
    // 100,000 outputs of 1 KiB: 100 MiB leave the server for one request.
    let outputs = try await MapStreamTestClient(socketPath: server.socketPath)
      .mapStream(Datum(value: Data("fanout:100000:1024".utf8)))
    #expect(outputs.count == 100_000)
    #expect(outputs.allSatisfy { $0.value.count == 1024 })
    let peak = try peakResidentMegabytes(of: server.pid)
    // The writer is paced to the transport (OutboundQueue): what the server holds is bounded by
    // the pacing budget and the HTTP/2 window, not by what the handler writes. Unpaced, this
    // peaked at about 250 MB here.
    #expect(peak < 80, "the server's peak RSS was \(peak) MB for 100 MiB of outputs")
  }

  @Test func streamMapSigtermMidBatchAnswersEverythingInFlight() async throws {
    let server = try await streamServer()
    defer { server.stop() }
    let ids = (0..<6).map { "s-\($0)" }
    let requests =
      [Map_V1_MapRequest.handshakeRequest] + ids.map { Datum(value: Data("sleep:300".utf8)).mapRequest(id: $0) }
      + [Datum(value: Data("quick".utf8)).mapRequest(id: "quick")]
    // Once anything is answered, the server has read the slow requests before it: in flight.
    let outcome = try await MapStreamTestClient(socketPath: server.socketPath)
      .exchange(requests, awaitingEndsOfOutput: ids.count + 1, afterResponses: 2) {
        server.terminate()
      }
    #expect(outcome.error == nil)
    let ended = outcome.responses.filter { $0.hasStatus && $0.status.eot }.map(\.id)
    #expect(Set(ended) == Set(ids + ["quick"]))
    #expect(try await server.exitStatus() == 0)
  }

  @Test(arguments: ["async", "sync"])
  func batchMapSigtermMidBatchAnswersTheBatch(mode: String) async throws {
    let server = try await batchServer(mode)
    defer { server.stop() }
    let ids = (0..<3).map { "b-\($0)" }
    let requests =
      [Map_V1_MapRequest.handshakeRequest] + ids.map { Datum(value: Data("sleep:200".utf8)).mapRequest(id: $0) } + [
        Map_V1_MapRequest.endOfBatch
      ]
    // A batch is answered only whole, so no answer marks it as started: SIGTERM finds it in the
    // handler (600 ms of it) or about to be read, and either way the open stream stays served.
    let outcome = try await BatchMapTestClient(socketPath: server.socketPath)
      .exchange(requests, awaitingResponses: ids.count + 2) {
        server.terminate()
      }
    #expect(outcome.error == nil)
    #expect(Set(outcome.responses.dropFirst().dropLast().map(\.id)) == Set(ids))
    #expect(outcome.responses.last?.status.eot == true)
    #expect(try await server.exitStatus() == 0)
  }

  @Test(arguments: ["async", "sync"])
  func batchMapHandlerErrorIsReportedAndEndsTheProcess(mode: String) async throws {
    let server = try await batchServer(mode)
    defer { server.stop() }
    let requests = [
      Map_V1_MapRequest.handshakeRequest, Datum(value: Data("ok".utf8)).mapRequest(id: "b-1"),
      Datum(value: Data("throw:no".utf8)).mapRequest(id: "b-2"), Map_V1_MapRequest.endOfBatch,
    ]
    let outcome = try await BatchMapTestClient(socketPath: server.socketPath).exchange(requests, awaitingResponses: 2)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(
      error.message.hasPrefix(
        "UDF_EXECUTION_ERROR(udf): batch map handler failed for a batch of 2 requests ('b-1', 'b-2')"))
    #expect(try await server.exitStatus() == 1)
  }

  /// VmHWM of a running process, in MiB.
  func peakResidentMegabytes(of pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
    return (Int(line.split(separator: " ")[1]) ?? 0) / 1024
  }
}
