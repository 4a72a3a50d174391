import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import NumaflowSourceTransformer
import NumaflowTesting
import SwiftProtobuf
import Testing

let stamp = Date(timeIntervalSince1970: 1_700_000_000)

/// Re-stamps every datum and copies what it saw into the output.
struct Restamp: SourceTransformer {
  func transform(keys: [String], datum: Datum) async throws -> [NumaflowSourceTransformer.Message] {
    [
      NumaflowSourceTransformer.Message(
        datum.value, eventTime: stamp, keys: keys, tags: ["t"], userMetadata: datum.userMetadata)
    ]
  }
}

struct SyncRestamp: SyncSourceTransformer {
  func transform(keys: [String], datum: Datum) throws -> [NumaflowSourceTransformer.Message] {
    [
      NumaflowSourceTransformer.Message(
        datum.value, eventTime: stamp, keys: keys, tags: ["t"], userMetadata: datum.userMetadata)
    ]
  }
}

struct Failure: Error, CustomStringConvertible {
  var description: String { "cannot parse" }
}

enum Flavour: String, CaseIterable, Sendable {
  case async, sync

  var server: SourceTransformServer {
    switch self {
    case .async: SourceTransformServer(mode: .async, sourceTransformer: Restamp())
    case .sync: SourceTransformServer(mode: .sync, sourceTransformer: SyncRestamp())
    }
  }
}

@Suite struct SourceTransformerTests {
  @Test(arguments: Flavour.allCases)
  func manyRequestsInFlightAreEachAnsweredWithAnEventTime(flavour: Flavour) async throws {
    let datums = (0..<5_000).map {
      Datum(keys: ["k\($0 % 5)"], value: Data("v\($0)".utf8), eventTime: Date(timeIntervalSince1970: Double($0)))
    }
    let outputs = try await SourceTransformTestClient(server: flavour.server).transform(datums)
    for (index, messages) in outputs.enumerated() {
      #expect(
        messages == [
          NumaflowSourceTransformer.Message("v\(index)", eventTime: stamp, keys: ["k\(index % 5)"], tags: ["t"])
        ])
    }
  }

  @Test func idsLiveInsideTheRequestAndAreEchoedExactly() async throws {
    let ids = ["b64offset-0", "AAEC-3", "ünï-✓"]
    let requests =
      [Sourcetransformer_V1_SourceTransformRequest.handshakeRequest]
      + ids.map { Datum(value: Data($0.utf8)).transformRequest(id: $0) }
    let outcome = try await SourceTransformTestClient(server: Flavour.async.server)
      .exchange(requests, awaitingResponses: ids.count + 1)
    #expect(outcome.error == nil)
    #expect(outcome.responses.first?.handshake.sot == true)
    #expect(Set(outcome.responses.dropFirst().map(\.id)) == Set(ids))
    #expect(outcome.responses.dropFirst().allSatisfy { $0.results.allSatisfy(\.hasEventTime) })
  }

  @Test func dropsKeepAnEventTime() async throws {
    let server = SourceTransformServer { _, datum in [.drop(eventTime: datum.eventTime)] }
    let result = try await soleResult(from: server, eventTime: Self.eventTime)
    #expect(result.tags == ["U+005C__DROP__"])
    #expect(result.hasEventTime)
    #expect(result.eventTime.date == Self.eventTime)
  }

  @Test func aFailKeepsAnEventTimeAndCarriesOnlyItsTag() async throws {
    let server = SourceTransformServer { _, datum in [.fail(eventTime: datum.eventTime)] }
    let result = try await soleResult(from: server, eventTime: Self.eventTime)
    #expect(result.tags == ["U+005C__FAIL__"])
    #expect(result.eventTime.date == Self.eventTime)
    #expect(!result.hasNackOptions)
  }

  @Test func aNackKeepsAnEventTimeAndCarriesItsOptions() async throws {
    let server = SourceTransformServer { _, datum in
      [.nack(eventTime: datum.eventTime, options: NackOptions(reason: "later", delay: .seconds(2)))]
    }
    let result = try await soleResult(from: server, eventTime: Self.eventTime)
    #expect(result.tags == ["U+005C__NACK__"])
    #expect(result.hasEventTime)
    #expect(result.eventTime.date == Self.eventTime)
    #expect(result.nackOptions.reason == "later")
    #expect(result.nackOptions.delay == 2000)
    #expect(!result.nackOptions.hasMaxDeliveries)
  }

  static let eventTime = Date(timeIntervalSince1970: 1_600_000_000)

  /// The one result `server` gives for an empty datum with `eventTime`, as it goes on the wire.
  func soleResult(
    from server: SourceTransformServer, eventTime: Date
  ) async throws -> Sourcetransformer_V1_SourceTransformResponse.Result {
    let outcome = try await SourceTransformTestClient(server: server)
      .exchange(
        [
          Sourcetransformer_V1_SourceTransformRequest.handshakeRequest,
          Datum(value: Data(), eventTime: eventTime).transformRequest(id: "x"),
        ],
        awaitingResponses: 2)
    return try #require(outcome.responses.last?.results.first)
  }

  @Test func headersAndMetadataReachTheHandler() async throws {
    var user = MessageMetadata()
    user["g", "k"] = Data([1])
    var system = MessageMetadata()
    system["tracing", "traceparent"] = Data("00-1-2-01".utf8)
    let server = SourceTransformServer { keys, datum in
      var metadata = datum.userMetadata
      for (name, value) in datum.headers { metadata["headers", name] = Data(value.utf8) }
      for (group, values) in datum.systemMetadata.groups {
        for (key, value) in values { metadata["sys-" + group, key] = value }
      }
      return [Message(datum.value, eventTime: datum.eventTime, keys: keys, userMetadata: metadata)]
    }
    let datum = Datum(
      keys: ["k"], value: Data("v".utf8), eventTime: stamp, headers: ["h": "1"], userMetadata: user,
      systemMetadata: system)
    let output = try await SourceTransformTestClient(server: server).transform(datum)
    var expected = user
    expected["headers", "h"] = Data("1".utf8)
    expected["sys-tracing", "traceparent"] = Data("00-1-2-01".utf8)
    #expect(output == [Message("v", eventTime: stamp, keys: ["k"], userMetadata: expected)])
  }

  @Test func misuseIsRefusedWithAClearStatus() async throws {
    let client = SourceTransformTestClient(server: Flavour.async.server)
    let early = try await client.exchange([Datum(value: Data()).transformRequest(id: "early")], awaitingResponses: 1)
    #expect(early.error?.code == .failedPrecondition)
    #expect(early.error?.message.contains("SourceTransformFn: the first message must be a handshake") == true)

    let twice = try await client.exchange(
      [
        Sourcetransformer_V1_SourceTransformRequest.handshakeRequest, Datum(value: Data()).transformRequest(id: "a"),
        Sourcetransformer_V1_SourceTransformRequest.handshakeRequest,
      ],
      awaitingResponses: 3)
    #expect(twice.responses.map(\.id) == ["", "a"])
    #expect(twice.error?.code == .failedPrecondition)
  }

  @Test(arguments: Flavour.allCases)
  func aThrowingHandlerIsAUDFExecutionError(flavour: Flavour) async throws {
    let server: SourceTransformServer =
      switch flavour {
      case .async: SourceTransformServer(configuration: .testDefaults) { _, _ in throw Failure() }
      case .sync: SourceTransformServer(configuration: .testDefaults, sourceTransformer: ThrowingSync())
      }
    let outcome = try await SourceTransformTestClient(server: server)
      .exchange(
        [
          Sourcetransformer_V1_SourceTransformRequest.handshakeRequest,
          Datum(value: Data()).transformRequest(id: "bad-1"),
        ], awaitingResponses: 2)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(
      error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): source transformer failed for request 'bad-1'"))
    #expect(try error.unpackGoogleRPCStatus()?.details.first?.debugInfo?.detail.contains("bad-1") == true)
  }
}

struct ThrowingSync: SyncSourceTransformer {
  func transform(keys: [String], datum: Datum) throws -> [NumaflowSourceTransformer.Message] { throw Failure() }
}
