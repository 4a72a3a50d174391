import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import NumaflowSourceTransformer
import NumaflowTesting
import Testing

/// A real source transform server on a real Unix socket, in each mode.
@Suite(.timeLimit(.minutes(5)))
struct SourceTransformIntegrationTests {
  static let modes = ["async", "sync", "multiprocess"]

  func start(_ mode: String) async throws -> ServerUnderTest {
    try await ServerUnderTest(
      "fixture-server", arguments: ["--kind", "transformer", "--mode", mode],
      socket: "sourcetransform.sock", serverInfo: "sourcetransformer-server-info")
  }

  @Test(arguments: modes)
  func serverInfoAndManyRequestsInFlight(mode: String) async throws {
    let server = try await start(mode)
    defer { server.stop() }
    let info = String(
      decoding: try #require(FileManager.default.contents(atPath: server.serverInfoPath)), as: UTF8.self)
    #expect(
      info
        == #"{"language":"swift","metadata":{},"minimum_numaflow_version":"1.8.0-z","protocol":"uds","version":"\#(NumaflowSDK.version)"}U+005C__END__"#
    )
    #expect(try await server.transformClient.isReady())

    let datums = (0..<5_000).map {
      Datum(
        keys: ["k"], value: Data(($0 % 10 == 0 ? "drop" : "v\($0)").utf8),
        eventTime: Date(timeIntervalSince1970: Double($0)))
    }
    let outputs = try await server.transformClient.transform(datums)
    for (index, messages) in outputs.enumerated() {
      let eventTime = Date(timeIntervalSince1970: Double(index))
      if index % 10 == 0 {
        #expect(messages == [.drop(eventTime: eventTime)])
      } else {
        #expect(messages == [Message("v\(index)", eventTime: eventTime, keys: ["k"], tags: ["echo"])])
      }
    }
  }

  @Test(arguments: modes)
  func aThrowingHandlerIsReportedAndEndsTheProcess(mode: String) async throws {
    let server = try await start(mode)
    defer { server.stop() }
    let outcome = try await server.transformClient.exchange(
      [
        Sourcetransformer_V1_SourceTransformRequest.handshakeRequest,
        Datum(value: Data("throw:bad date".utf8)).transformRequest(id: "AAE=-0"),
      ],
      awaitingResponses: 2)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): source transformer failed for request 'AAE=-0'"))
    #expect(try error.unpackGoogleRPCStatus()?.details.first?.debugInfo != nil)
    #expect(try await server.exitStatus() == 1)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: server.errorDirectory).contains { $0.hasSuffix("-udf.json") })
  }

  @Test(arguments: modes)
  func sigtermMidBatchAnswersEverythingInFlight(mode: String) async throws {
    let server = try await start(mode)
    defer { server.stop() }
    let ids = (0..<6).map { "offset-\($0)" }
    let requests =
      [Sourcetransformer_V1_SourceTransformRequest.handshakeRequest]
      + ids.map { Datum(value: Data("sleep:300".utf8)).transformRequest(id: $0) }
      + [Datum(value: Data("quick".utf8)).transformRequest(id: "quick")]
    // Once anything is answered, the server has read the slow requests before it: in flight.
    let outcome = try await server.transformClient.exchange(
      requests, awaitingResponses: ids.count + 2, afterResponses: 2
    ) {
      server.terminate()
    }
    #expect(outcome.error == nil)
    #expect(Set(outcome.responses.dropFirst().map(\.id)) == Set(ids + ["quick"]))
    #expect(try await server.exitStatus() == 0)
  }

  @Test(arguments: modes)
  func misuseIsRefusedAndTheServerKeepsServing(mode: String) async throws {
    let server = try await start(mode)
    defer { server.stop() }
    let early = try await server.transformClient.exchange(
      [Datum(value: Data()).transformRequest(id: "early")], awaitingResponses: 1)
    #expect(early.error?.code == .failedPrecondition)
    #expect(
      try await server.transformClient.transform(
        Datum(value: Data("ok".utf8), eventTime: Date(timeIntervalSince1970: 5))
      ).first?.value == Data("ok".utf8))
  }
}
