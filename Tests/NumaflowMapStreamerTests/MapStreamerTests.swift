import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowMapStreamer
import NumaflowProtos
import NumaflowTesting
import Testing

/// Writes the value's comma-separated parts, then "fanout:N" writes N numbered messages.
struct Parts: MapStreamer {
  func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws {
    let text = String(decoding: datum.value, as: UTF8.self)
    if text.hasPrefix("fanout:"), let count = Int(text.dropFirst(7)) {
      for index in 0..<count { try await output.write(Message(String(index), keys: keys)) }
      return
    }
    for part in text.split(separator: ",") { try await output.write(Message(String(part), keys: keys)) }
  }
}

struct Broken: Error, CustomStringConvertible {
  var description: String { "broken after one output" }
}

@Suite struct MapStreamerTests {
  @Test func outputsKeepTheirOrderPerRequestAndEndWithAnEOT() async throws {
    let datums = (0..<1_000).map { Datum(keys: ["k\($0)"], value: Data("a\($0),b\($0),c\($0)".utf8)) }
    let outputs = try await MapStreamTestClient(server: MapStreamServer(mapStreamer: Parts())).mapStream(datums)
    for (index, messages) in outputs.enumerated() {
      #expect(messages == ["a", "b", "c"].map { Message("\($0)\(index)", keys: ["k\(index)"]) })
    }
  }

  @Test func theEOTCarriesTheRequestId() async throws {
    let outcome = try await MapStreamTestClient(server: MapStreamServer(mapStreamer: Parts()))
      .exchange(
        [Map_V1_MapRequest.handshakeRequest, Datum(value: Data("x,y".utf8)).mapRequest(id: "vertex-7-0")],
        awaitingEndsOfOutput: 1)
    #expect(outcome.error == nil)
    #expect(outcome.responses.dropFirst().map(\.id) == ["vertex-7-0", "vertex-7-0", "vertex-7-0"])
    #expect(outcome.responses.last?.status.eot == true)
    #expect(outcome.responses.last?.results.isEmpty == true)
  }

  @Test func oneRequestCanWriteAHundredThousandOutputs() async throws {
    let outputs = try await MapStreamTestClient(server: MapStreamServer(mapStreamer: Parts()))
      .mapStream(Datum(value: Data("fanout:100000".utf8)))
    #expect(outputs.count == 100_000)
    #expect(outputs.first == Message("0") && outputs.last == Message("99999"))
  }

  @Test func aHandlerThatThrowsMidStreamIsAUDFFailure() async throws {
    let server = MapStreamServer(configuration: .testDefaults) { _, datum, output in
      try await output.write(Message(datum.value))
      throw Broken()
    }
    let outcome = try await MapStreamTestClient(server: server)
      .exchange(
        [Map_V1_MapRequest.handshakeRequest, Datum(value: Data("v".utf8)).mapRequest(id: "r-1")],
        awaitingEndsOfOutput: 1)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(
      error.message.hasPrefix(
        "UDF_EXECUTION_ERROR(udf): map stream handler failed for request 'r-1': broken"))
    // The output written before the failure reached numa; no EOT followed it.
    #expect(outcome.responses.dropFirst().map(\.id) == ["r-1"])
    #expect(outcome.responses.last?.hasStatus == false)
  }

  @Test func misuseIsRefused() async throws {
    let outcome = try await MapStreamTestClient(server: MapStreamServer(mapStreamer: Parts()))
      .exchange([Datum(value: Data()).mapRequest(id: "early")], awaitingEndsOfOutput: 1)
    #expect(outcome.error?.code == .failedPrecondition)
  }
}
