import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import NumaflowSinker
import NumaflowTesting
import Testing

/// Answers each datum as its value says: "fail", "fallback", "serve", "onsuccess", "nack", else ok.
struct Verdicts: Sinker {
  func sink(_ datums: [Datum]) async throws -> [Response] {
    var responses: [Response] = []
    for datum in datums {
      responses.append(Self.verdict(datum))
    }
    return responses
  }

  static func verdict(_ datum: Datum) -> Response {
    switch String(decoding: datum.value, as: UTF8.self) {
    case "fail": .failure(datum.id, reason: "disk full")
    case "fallback": .fallback(datum.id)
    case "serve": .serve(datum.id, payload: Data("result".utf8))
    case "serve-original": .serve(datum.id)
    case "onsuccess":
      .onSuccess(
        datum.id, Message("copy", keys: ["on_success"], userMetadata: MessageMetadata(["group": ["k": Data("v".utf8)]]))
      )
    case "onsuccess-original": .onSuccess(datum.id)
    case "nack": .nack(datum.id, NackOptions(reason: "later", maxDeliveries: 2, delay: .seconds(3), values: ["x": "y"]))
    case "retry-count": .failure(datum.id, reason: "retry_count=\(datum.retryCount.map(String.init) ?? "none")")
    default: .ok(datum.id)
    }
  }
}

struct SyncVerdicts: SyncSinker {
  func sink(_ datums: [Datum]) throws -> [Response] {
    datums.reversed().map(Verdicts.verdict)
  }
}

struct Refused: Error, CustomStringConvertible {
  var description: String { "refused" }
}

@Suite struct SinkerTests {
  static let modes = ["async", "sync", "inline"]

  static func server(_ mode: String, configuration: ServerConfiguration = .testDefaults) -> SinkServer {
    switch mode {
    case "sync": SinkServer(mode: .sync, configuration: configuration, sinker: SyncVerdicts())
    case "inline": SinkServer(mode: .async, configuration: configuration, sinker: SyncVerdicts())
    default: SinkServer(configuration: configuration, sinker: Verdicts())
    }
  }

  @Test(arguments: modes)
  func everyResponseKindReachesTheWire(mode: String) async throws {
    let values = ["ok", "fail", "fallback", "serve", "serve-original", "onsuccess", "onsuccess-original", "nack"]
    let responses = try await SinkTestClient(server: Self.server(mode)).sink(values.map { Datum(value: Data($0.utf8)) })
    #expect(
      responses.map(\.status) == [
        .ok, .failure(reason: "disk full"), .fallback, .serve(payload: Data("result".utf8)), .serve(payload: nil),
        .onSuccess(
          Message("copy", keys: ["on_success"], userMetadata: MessageMetadata(["group": ["k": Data("v".utf8)]]))),
        .onSuccess(nil), .nack(NackOptions(reason: "later", maxDeliveries: 2, delay: .seconds(3), values: ["x": "y"])),
      ])
    #expect(responses.map(\.id) == values.indices.map { "request-\($0)" })
  }

  @Test(arguments: modes)
  func aDatumCarriesNumasRetryCountTyped(mode: String) async throws {
    let datum = Datum(value: Data("retry-count".utf8))
    let responses = try await SinkTestClient(server: Self.server(mode)).sink([
      datum.retrying(2), datum, datum.retrying(0),
    ])
    #expect(
      responses.map(\.status) == [
        .failure(reason: "retry_count=2"), .failure(reason: "retry_count=none"), .failure(reason: "retry_count=0"),
      ])
  }

  @Test func theWireCarriesNumasStatusNumbers() async throws {
    let requests =
      [Sink_V1_SinkRequest.handshakeRequest]
      + ["ok", "fail", "fallback", "serve", "onsuccess", "nack"].enumerated().map {
        Datum(value: Data($1.utf8)).sinkRequest(id: "m\($0)")
      } + [.endOfBatch]
    let outcome = try await SinkTestClient(server: Self.server("async")).exchange(requests, awaitingResponses: 3)
    #expect(outcome.error == nil)
    // The handshake, every result in one message, the EOT.
    #expect(outcome.responses.count == 3)
    let results = outcome.responses[1].results
    #expect(results.map(\.status.rawValue) == [0, 1, 2, 3, 4, 5])
    #expect(results[1].errMsg == "disk full")
    #expect(results[3].serveResponse == Data("result".utf8))
    #expect(results[4].onSuccessMsg.keys == ["on_success"])
    #expect(results[5].nackOptions.delay == 3000)
    #expect(!results[0].hasNackOptions && !results[0].hasServeResponse && !results[0].hasOnSuccessMsg)
    #expect(outcome.responses[2].status.eot && outcome.responses[2].results.isEmpty)
  }

  @Test(arguments: modes)
  func largeBatchesFollowEachOtherOnOneStream(mode: String) async throws {
    let batches = (0..<4).map { batch in (0..<2_000).map { Datum(keys: ["b\(batch)"], value: Data("v\($0)".utf8)) } }
    let answered = try await SinkTestClient(server: Self.server(mode)).sink(batches: batches)
    #expect(answered.map(\.count) == [2_000, 2_000, 2_000, 2_000])
    #expect(answered.allSatisfy { $0.allSatisfy { $0.status == .ok } })
    #expect(answered[3].last?.id == "request-7999")
  }

  @Test func manyLargeResultsAreSpreadOverSeveralMessages() async throws {
    let server = SinkServer { datums in
      var responses: [Response] = []
      for datum in datums { responses.append(.serve(datum.id, payload: Data(repeating: 0x61, count: 1 << 20))) }
      return responses
    }
    let requests =
      [Sink_V1_SinkRequest.handshakeRequest] + (0..<12).map { Datum(value: Data()).sinkRequest(id: "m\($0)") }
      + [.endOfBatch]
    let outcome = try await SinkTestClient(server: server).exchange(requests, awaitingResponses: 1 + 3 + 1)
    #expect(outcome.error == nil)
    let sizes = outcome.responses.dropFirst().dropLast().map(\.results.count)
    #expect(sizes.count > 1, "12 MiB of results in one message")
    #expect(sizes.reduce(0, +) == 12)
  }

  @Test(arguments: [
    ("missing", "no response for 'request-1'"),
    ("duplicate", "more than one response for 'request-0'"),
    ("unknown", "responses for ids not in the batch: 'stranger'"),
  ])
  func aWrongSetOfIdsIsAUDFFailureNamingThem(fault: String, expected: String) async throws {
    let server = SinkServer(configuration: .testDefaults) { datums in
      let ids = datums.map(\.id)
      return switch fault {
      case "missing": [.ok(ids[0])]
      case "duplicate": ids.map { .ok($0) } + [.fallback(ids[0])]
      default: ids.map { .ok($0) } + [.ok("stranger")]
      }
    }
    await #expect {
      _ = try await SinkTestClient(server: server).sink(.fixtures("a", "b"))
    } throws: { error in
      guard let error = error as? RPCError else { return false }
      return error.code == .internalError
        && error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): sink handler answered a batch of 2 requests")
        && error.message.contains(expected)
    }
  }

  @Test(arguments: [("fb-udsink", "a fallback sink"), ("ons-udsink", "an on-success sink")])
  func aSecondarySinkMayNotSendItsDatumsOn(containerType: String, role: String) async throws {
    var configuration = ServerConfiguration.testDefaults
    configuration.udContainerType = containerType
    let client = SinkTestClient(server: SinkServer(configuration: configuration, sinker: Verdicts()))
    #expect(try await client.sink(.fixtures("ok", "onsuccess", "nack")).count == 3)
    await #expect {
      _ = try await client.sink(.fixtures("ok", "fallback", "serve"))
    } throws: { error in
      (error as? RPCError)?.message.contains(
        "\(role) answered 'request-1', 'request-2' with fallback or serve, which numa refuses from \(role)") == true
    }
  }

  @Test(arguments: [("udsink", "sink.sock"), ("fb-udsink", "fb-sink.sock"), ("ons-udsink", "ons-sink.sock")])
  func theRoleChoosesTheSocketAndServerInfo(containerType: String, socket: String) throws {
    var configuration = ServerConfiguration.testDefaults
    configuration.udContainerType = containerType
    let server = SinkServer(configuration: configuration, sinker: Verdicts())
    #expect(server.socketPath.hasSuffix("/" + socket))
    #expect(
      server.host.serverInfoPath.hasSuffix("/" + socket.replacingOccurrences(of: ".sock", with: "er-server-info")))
  }

  @Test func aThrowingHandlerNamesTheBatch() async throws {
    let outcome = try await SinkTestClient(server: SinkServer { _ in throw Refused() })
      .exchange(
        [.handshakeRequest, Datum(value: Data()).sinkRequest(id: "x1"), .endOfBatch], awaitingResponses: 2)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(error.message.contains("sink handler failed for a batch of 1 request ('x1'): refused"))
    #expect(try error.unpackGoogleRPCStatus()?.details.first?.debugInfo != nil)
  }

  @Test func aBatchLeftOpenAtHalfCloseIsAnsweredAndTheStreamEnds() async throws {
    let outcome = try await SinkTestClient(server: Self.server("sync"))
      .exchange(
        [.handshakeRequest, Datum(value: Data()).sinkRequest(id: "a"), Datum(value: Data()).sinkRequest(id: "b")],
        awaitingResponses: 1)
    #expect(outcome.error == nil)
    #expect(outcome.responses.count == 3)
    #expect(Set(outcome.responses[1].results.map(\.id)) == ["a", "b"])
    #expect(outcome.responses.last?.status.eot == true)
  }

  @Test func aRequestBeforeTheHandshakeIsRefusedAndNeverAnswered() async throws {
    let outcome = try await SinkTestClient(server: Self.server("async"))
      .exchange([Datum(value: Data()).sinkRequest(id: "early"), .endOfBatch], awaitingResponses: 1)
    #expect(outcome.error?.code == .failedPrecondition)
    #expect(outcome.error?.message.contains("handshake") == true)
    #expect(outcome.responses.allSatisfy { $0.results.isEmpty })
  }

  @Test func aSecondHandshakeIsRefusedNeverCountedAsADatum() async throws {
    let outcome = try await SinkTestClient(server: Self.server("async"))
      .exchange(
        [.handshakeRequest, Datum(value: Data()).sinkRequest(id: "a"), .handshakeRequest, .endOfBatch],
        awaitingResponses: 3)
    #expect(outcome.error?.code == .failedPrecondition)
    #expect(outcome.error?.message.contains("second handshake") == true)
    let answered = outcome.responses.flatMap { $0.results.map(\.id) }
    #expect(!answered.contains(""), "the handshake was answered as a datum")
  }

  @Test func aSinkerIsCallableDirectlyWithFixtures() async throws {
    let responses = try await Verdicts().sink([Datum].fixtures("ok", "fail"))
    #expect(responses == [.ok("datum-0"), .failure("datum-1", reason: "disk full")])
  }
}
