import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowMapper
import NumaflowProtos
import NumaflowTesting
import SwiftProtobuf
import Testing

/// Echoes each datum, copying what it saw into the output so tests can check the round trip.
struct Echo: Mapper {
  func map(keys: [String], datum: Datum) async throws -> [NumaflowMapper.Message] {
    [NumaflowMapper.Message(datum.value, keys: keys, tags: ["echo"], userMetadata: datum.userMetadata)]
  }
}

struct SyncEcho: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [NumaflowMapper.Message] {
    [NumaflowMapper.Message(datum.value, keys: keys, tags: ["echo"], userMetadata: datum.userMetadata)]
  }
}

struct Boom: Error, CustomStringConvertible {
  var description: String { "boom" }
}

/// The in-process servers under test: an async mapper in async mode, a sync one in sync mode.
enum Flavour: String, CaseIterable, Sendable {
  case async, sync

  func server(maxConcurrentRequests: Int = 512) -> MapServer {
    var configuration = ServerConfiguration.testDefaults
    configuration.maxConcurrentRequests = maxConcurrentRequests
    switch self {
    case .async: return MapServer(mode: .async, configuration: configuration, mapper: Echo())
    case .sync: return MapServer(mode: .sync, configuration: configuration, mapper: SyncEcho())
    }
  }
}

@Suite struct MapperTests {
  @Test(arguments: Flavour.allCases)
  func tenThousandRequestsInFlightAreEachAnsweredOnce(flavour: Flavour) async throws {
    let datums = (0..<10_000).map { Datum(keys: ["k\($0 % 7)"], value: Data("value-\($0)".utf8)) }
    let outputs = try await MapTestClient(server: flavour.server(maxConcurrentRequests: 64)).map(datums)
    #expect(outputs.count == datums.count)
    for (index, messages) in outputs.enumerated() {
      #expect(messages == [NumaflowMapper.Message("value-\(index)", keys: ["k\(index % 7)"], tags: ["echo"])])
    }
  }

  @Test(arguments: Flavour.allCases)
  func idsAreEchoedExactly(flavour: Flavour) async throws {
    let ids = ["vertex-0-0", "vertex-12345678901234567890-3", "ünïcødé-✓", String(repeating: "x", count: 4096), " "]
    let requests = [Map_V1_MapRequest.handshakeRequest] + ids.map { Datum(value: Data($0.utf8)).mapRequest(id: $0) }
    let outcome = try await MapTestClient(server: flavour.server()).exchange(requests, awaitingResponses: ids.count + 1)
    #expect(outcome.error == nil)
    #expect(outcome.responses.first?.handshake.sot == true)
    let answered = outcome.responses.dropFirst().map(\.id)
    #expect(answered.sorted() == ids.sorted())
    for response in outcome.responses.dropFirst() {
      #expect(response.results.map(\.value) == [Data(response.id.utf8)])
    }
  }

  @Test func dropTagsAndKeysReachTheWire() async throws {
    let server = MapServer { keys, datum in
      switch String(decoding: datum.value, as: UTF8.self) {
      case "drop": [.drop()]
      case "none": []
      default: [Message("a", keys: ["x", "y"], tags: ["t1", "t2"]), Message("b")]
      }
    }
    let outputs = try await MapTestClient(server: server).map([
      Datum(value: Data("drop".utf8)), Datum(value: Data("none".utf8)), Datum(keys: ["in"], value: Data("two".utf8)),
    ])
    #expect(outputs[0] == [Message(Data(), tags: ["U+005C__DROP__"])])
    #expect(outputs[0][0].isDrop)
    #expect(outputs[1].isEmpty)
    #expect(outputs[2] == [Message("a", keys: ["x", "y"], tags: ["t1", "t2"]), Message("b")])
  }

  @Test(arguments: Flavour.allCases)
  func aFailedInputCarriesNumasFailTagAlone(flavour: Flavour) async throws {
    let server =
      switch flavour {
      case .async: MapServer(mode: .async, configuration: .testDefaults) { _, datum in [.fail()] }
      case .sync: MapServer(mode: .sync, configuration: .testDefaults, mapper: SyncFailing())
      }
    let outputs = try await MapTestClient(server: server).map([Datum(value: Data("x".utf8))])
    #expect(outputs == [[Message(Data(), tags: ["U+005C__FAIL__"])]])
    #expect(outputs[0][0].isFail && !outputs[0][0].isDrop && !outputs[0][0].isNack)
    #expect(Tags.fail == "U+005C__FAIL__")
  }

  @Test func aNackCarriesItsTagAndOptionsOnTheWire() async throws {
    let options = NackOptions(reason: "busy", maxDeliveries: 5, delay: .milliseconds(1500), values: ["k": "v"])
    let server = MapServer { _, datum in datum.value.isEmpty ? [.nack(options)] : [Message(datum.value)] }
    let outcome = try await MapTestClient(server: server)
      .exchange(
        [
          Map_V1_MapRequest.handshakeRequest, Datum(value: Data()).mapRequest(id: "n"),
          Datum(value: Data("ok".utf8)).mapRequest(id: "o"),
        ],
        awaitingResponses: 3)
    let results = Dictionary(uniqueKeysWithValues: outcome.responses.dropFirst().map { ($0.id, $0.results) })
    let nack = try #require(results["n"]?.first)
    #expect(nack.tags == ["U+005C__NACK__"])
    #expect(nack.value.isEmpty)
    #expect(nack.hasNackOptions)
    #expect(nack.nackOptions.reason == "busy")
    #expect(nack.nackOptions.maxDeliveries == 5)
    #expect(nack.nackOptions.delay == 1500)
    #expect(nack.nackOptions.nackMap == ["k": "v"])
    #expect(Message(nack) == .nack(options))
    #expect(Message(nack).isNack)
    #expect(results["o"]?.first?.hasNackOptions == false, "only nacks carry nack options")
  }

  @Test func datumCarriesEverythingNumaSends() async throws {
    let seen = Seen()
    let server = MapServer { keys, datum in
      seen.datum = datum
      var metadata = datum.userMetadata
      metadata["added", "by"] = Data("mapper".utf8)
      return [Message(datum.value, keys: keys, userMetadata: metadata)]
    }
    var user = MessageMetadata()
    user["group", "key"] = Data([0, 1, 2])
    var system = MessageMetadata()
    system["tracing", "traceparent"] = Data("00-abc-01".utf8)
    let eventTime = Date(timeIntervalSince1970: 1_700_000_000.5)
    let watermark = Date(timeIntervalSince1970: -0.001)  // the platform's "unknown"
    let input = Datum(
      keys: ["k"], value: Data([0xff, 0x00]), eventTime: eventTime, watermark: watermark,
      headers: ["X-Numaflow-Id": "abc"], userMetadata: user, systemMetadata: system)

    let output = try await MapTestClient(server: server).map(input)

    let datum = try #require(seen.datum)
    #expect(datum.keys == ["k"])
    #expect(datum.value == Data([0xff, 0x00]))
    #expect(datum.eventTime == eventTime)
    #expect(datum.watermark == watermark)
    #expect(datum.headers == ["X-Numaflow-Id": "abc"])
    #expect(datum.userMetadata == user)
    #expect(datum.systemMetadata == system)
    var expected = user
    expected["added", "by"] = Data("mapper".utf8)
    #expect(output == [Message(Data([0xff, 0x00]), keys: ["k"], userMetadata: expected)])
  }

  @Test func anUnsetWatermarkIsNil() async throws {
    let seen = Seen()
    let server = MapServer { _, datum in
      seen.datum = datum
      return []
    }
    var request = Datum(value: Data()).mapRequest(id: "1")
    request.request.clearWatermark()
    _ = try await MapTestClient(server: server).exchange(
      [Map_V1_MapRequest.handshakeRequest, request], awaitingResponses: 2)
    #expect(try #require(seen.datum).watermark == nil)
  }

  @Test(arguments: [1 << 20, 60 << 20])
  func largePayloadsRoundTrip(size: Int) async throws {
    let payload = Data.patterned(count: size)
    let output = try await MapTestClient(server: Flavour.async.server()).map(Datum(value: payload))
    #expect(output.first?.value == payload)
  }

  @Test func aRequestBeforeTheHandshakeIsRefused() async throws {
    let outcome = try await MapTestClient(server: Flavour.async.server())
      .exchange([Datum(value: Data("x".utf8)).mapRequest(id: "early")], awaitingResponses: 1)
    #expect(outcome.responses.isEmpty)
    let error = try #require(outcome.error)
    #expect(error.code == .failedPrecondition)
    #expect(error.message.contains("first message must be a handshake"))
    #expect(error.message.contains("'early'"))
  }

  @Test func aSecondHandshakeEndsTheStreamAfterAnsweringWhatCameBefore() async throws {
    let requests = [
      Map_V1_MapRequest.handshakeRequest, Datum(value: Data("a".utf8)).mapRequest(id: "a"),
      Map_V1_MapRequest.handshakeRequest,
      Datum(value: Data("b".utf8)).mapRequest(id: "b"),
    ]
    let outcome = try await MapTestClient(server: Flavour.async.server()).exchange(requests, awaitingResponses: 3)
    #expect(outcome.responses.map(\.id) == ["", "a"])
    let error = try #require(outcome.error)
    #expect(error.code == .failedPrecondition)
    #expect(error.message.contains("second handshake"))
  }

  @Test func aRequestWithoutPayloadIsInvalid() async throws {
    var empty = Map_V1_MapRequest()
    empty.id = "hollow"
    let outcome = try await MapTestClient(server: Flavour.async.server())
      .exchange([Map_V1_MapRequest.handshakeRequest, empty], awaitingResponses: 2)
    let error = try #require(outcome.error)
    #expect(error.code == .invalidArgument)
    #expect(error.message.contains("'hollow'"))
  }

  @Test(arguments: Flavour.allCases)
  func maxConcurrentRequestsBoundsTheHandlerCalls(flavour: Flavour) async throws {
    let gauge = Gauge()
    var configuration = ServerConfiguration.testDefaults
    configuration.maxConcurrentRequests = 4
    configuration.workerCount = 8  // more threads than the bound, so the bound is what holds
    let server =
      switch flavour {
      case .async:
        MapServer(configuration: configuration) { _, datum in
          gauge.enter()
          defer { gauge.leave() }
          try await Task.sleep(for: .milliseconds(20))
          return [Message(datum.value)]
        }
      case .sync: MapServer(mode: .sync, configuration: configuration, mapper: GaugedSync(gauge: gauge))
      }
    let outputs = try await MapTestClient(server: server).map((0..<40).map { Datum(value: Data("\($0)".utf8)) })
    #expect(outputs.count == 40)
    #expect(gauge.peak == 4, "at most maxConcurrentRequests calls at once, and the bound is used")
  }

  @Test(arguments: Flavour.allCases)
  func aThrowingHandlerIsReportedAsAUDFExecutionError(flavour: Flavour) async throws {
    let server: MapServer
    switch flavour {
    case .async: server = MapServer(configuration: .testDefaults) { _, _ in throw Boom() }
    case .sync: server = MapServer(configuration: .testDefaults, mapper: ThrowingSync())
    }
    let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("runtime-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: runtime) }

    let outcome = try await MapTestClient(server: server, runtimeDirectory: runtime)
      .exchange(
        [Map_V1_MapRequest.handshakeRequest, Datum(value: Data()).mapRequest(id: "doomed-1")], awaitingResponses: 2)

    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(
      error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): map handler failed for request 'doomed-1'"))
    #expect(error.message.contains("boom"))
    let status = try #require(try error.unpackGoogleRPCStatus())
    #expect(status.code == .internalError)
    let debugInfo = try #require(status.details.first?.debugInfo)
    #expect(debugInfo.detail.contains("doomed-1"))
  }
}

/// How many handler calls run at once, and the most there ever were.
final class Gauge: @unchecked Sendable {
  private let lock = NSLock()
  private var current = 0
  private var highest = 0

  var peak: Int { lock.withLock { highest } }

  func enter() {
    lock.withLock {
      current += 1
      highest = max(highest, current)
    }
  }

  func leave() { lock.withLock { current -= 1 } }
}

struct GaugedSync: SyncMapper {
  let gauge: Gauge
  func map(keys: [String], datum: Datum) throws -> [NumaflowMapper.Message] {
    gauge.enter()
    defer { gauge.leave() }
    usleep(20_000)
    return [NumaflowMapper.Message(datum.value)]
  }
}

struct SyncFailing: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [NumaflowMapper.Message] { [.fail()] }
}

struct ThrowingSync: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [NumaflowMapper.Message] { throw Boom() }
}

/// What a handler saw, for the test to inspect.
final class Seen: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Datum?
  var datum: Datum? {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}

@Suite struct ClosureHandlerTests {
  /// `ClosureMapper` is the same handler the trailing closure makes, as a value: it goes
  /// wherever a `Mapper` goes, and is callable directly.
  @Test func aClosureMapperIsAMapperEverywhere() async throws {
    let shout = ClosureMapper { keys, datum in
      [NumaflowMapper.Message(Data(String(decoding: datum.value, as: UTF8.self).uppercased().utf8), keys: keys)]
    }
    let direct = try await shout.map(keys: ["k"], datum: Datum(value: Data("hi".utf8)))
    #expect(direct == [NumaflowMapper.Message("HI", keys: ["k"])])
    let served = try await MapTestClient(server: MapServer(configuration: .testDefaults, mapper: shout))
      .map(Datum(keys: ["k"], value: Data("hey".utf8)))
    #expect(served == [NumaflowMapper.Message("HEY", keys: ["k"])])
  }

  @Test func dropIsReadTheSameWayOnEveryForwardedMessage() {
    #expect(NumaflowMapper.Message.drop().isDrop)
    #expect(!NumaflowMapper.Message("x").isDrop)
    #expect(NumaflowMapper.Message.nack().isNack && !NumaflowMapper.Message.nack().isDrop)
  }
}
