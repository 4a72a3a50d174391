import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowMapper
import NumaflowProtos
import NumaflowTesting
import SwiftProtobuf
import Testing

/// Bytes no well-behaved numa sends, over a real socket: the stream that carries them fails
/// with a status that says why, what came before them is answered, and the server keeps serving
/// (it is numa's input that was wrong, not the handler).
@Suite(.timeLimit(.minutes(5)))
struct BadInputTests {
  static let modes = ["async", "sync", "multiprocess"]

  @Test(arguments: modes)
  func garbageAfterRequestsFailsTheStreamOnly(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    let requests =
      [Map_V1_MapRequest.handshakeRequest]
      + (0..<3).map { Datum(value: Data("v\($0)".utf8)).mapRequest(id: "ok-\($0)") }
    let outcome = try await sendRaw(requests.map { try $0.serializedBytes() } + [garbage], to: server.socketPath)

    let error = try #require(outcome.error, "a message that does not decode must fail the stream")
    #expect(error.code == .invalidArgument, "got \(error)")
    #expect(error.message.contains("could not be read"))
    #expect(Set(outcome.responses.filter { !$0.hasHandshake }.map(\.id)) == ["ok-0", "ok-1", "ok-2"])
    try await expectStillServing(server)
  }

  /// Well-formed protobuf whose key is not UTF-8. In multiprocess mode the server process reads
  /// only a request's head and the worker finds this, where the request is decoded
  /// (``UnreadableRequest``); it must end the stream as in the other modes, not fail the UDF.
  @Test(arguments: modes)
  func aKeyThatIsNotUTF8FailsTheStreamOnly(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    let before = Datum(value: Data("v".utf8)).mapRequest(id: "ok-0")
    // MapRequest { request { keys: ["\u{FF}"] }, id: "bad-key" }: field 1 holds field 1 (keys).
    let badKey: [UInt8] = [0x0A, 0x03, 0x0A, 0x01, 0xFF, 0x12, 0x07] + Array("bad-key".utf8)
    let outcome = try await sendRaw(
      [Map_V1_MapRequest.handshakeRequest, before].map { try $0.serializedBytes() } + [badKey], to: server.socketPath)

    let error = try #require(outcome.error, "a request that does not decode must fail the stream")
    #expect(error.code == .invalidArgument, "got \(error)")
    #expect(error.message.contains("could not be read"), "got \(error)")
    #expect(outcome.responses.filter { !$0.hasHandshake }.map(\.id) == ["ok-0"])
    try await expectStillServing(server)
  }

  @Test func aMessageOverTheSizeLimitIsRefused() async throws {
    let server = try await ServerUnderTest("fixture-server")
    defer { server.stop() }
    // One byte over numa's (and the server's) 64 MiB limit.
    let oversized = Datum(value: Data(count: 64 << 20 + 1)).mapRequest(id: "too-big")
    let outcome = try await sendRaw(
      [Map_V1_MapRequest.handshakeRequest, oversized].map { try $0.serializedBytes() }, to: server.socketPath,
      clientLimit: 128 << 20)

    // The transport refuses it before any handler code runs: it resets the HTTP/2 stream
    // (RST_STREAM cancel, `unavailable` at the client) rather than sending a status. Numa never
    // gets here: its client enforces the same 64 MiB limit before sending.
    let failure = try #require(outcome.error)
    let refusals: [RPCError.Code] = [.resourceExhausted, .unavailable]
    #expect(refusals.contains(failure.code), "got \(failure)")
    #expect(outcome.responses.allSatisfy { $0.hasHandshake }, "nothing but the handshake was answered")
    try await expectStillServing(server)
  }

  @Test(arguments: ["async", "sync"])
  func garbageOnABatchStreamAnswersTheClosedBatchesOnly(mode: String) async throws {
    let server = try await ServerUnderTest(
      "fixture-server", arguments: ["--kind", "batchmap", "--mode", mode], socket: "batchmap.sock")
    defer { server.stop() }
    let closed = (0..<2).map { Datum(value: Data("v\($0)".utf8)).mapRequest(id: "closed-\($0)") }
    let requests =
      [Map_V1_MapRequest.handshakeRequest] + closed + [.endOfBatch, Datum(value: Data()).mapRequest(id: "open-0")]
    let outcome = try await sendRaw(requests.map { try $0.serializedBytes() } + [garbage], to: server.socketPath)

    let error = try #require(outcome.error)
    #expect(error.code == .invalidArgument, "got \(error)")
    #expect(error.message.contains("could not be read"))
    let answered = outcome.responses.filter { !$0.hasHandshake }
    #expect(answered.map(\.id) == ["closed-0", "closed-1", ""], "the closed batch, then its EOT; not the open one")
    #expect(answered.last?.status.eot == true)
    try await expectStillServing(server) {
      try await BatchMapTestClient(socketPath: server.socketPath).mapBatch([Datum(value: Data("after".utf8))])
        == [[Message("after", tags: ["echo"])]]
    }
  }

  @Test func garbageOnAStreamMapStreamEndsEveryRequestReadBeforeIt() async throws {
    let server = try await ServerUnderTest(
      "fixture-server", arguments: ["--kind", "mapstream"], socket: "mapstream.sock")
    defer { server.stop() }
    let requests = [
      Map_V1_MapRequest.handshakeRequest, Datum(value: Data("fanout:2".utf8)).mapRequest(id: "s-0"),
      Datum(value: Data("sleep:200".utf8)).mapRequest(id: "s-1"),
    ]
    let outcome = try await sendRaw(requests.map { try $0.serializedBytes() } + [garbage], to: server.socketPath)

    let error = try #require(outcome.error)
    #expect(error.code == .invalidArgument, "got \(error)")
    let ends = outcome.responses.filter { $0.hasStatus && $0.status.eot }.map(\.id)
    #expect(Set(ends) == ["s-0", "s-1"], "each request read before the garbage got its outputs and EOT")
    #expect(outcome.responses.filter { $0.id == "s-0" && !$0.status.eot }.count == 2)
    try await expectStillServing(server) {
      try await MapStreamTestClient(socketPath: server.socketPath).mapStream(Datum(value: Data("after".utf8)))
        == [Message("after", tags: ["echo"])]
    }
  }

  /// A length-delimited field 1 that claims more bytes than the message has.
  let garbage: [UInt8] = [0x0A, 0xFF, 0x01, 0x42]

  /// A new stream is answered (by a map server unless `answers` says otherwise) and no UDF
  /// failure was recorded.
  func expectStillServing(_ server: ServerUnderTest, answers: (() async throws -> Bool)? = nil) async throws {
    if let answers {
      #expect(try await answers())
    } else {
      #expect(try await server.client.map(Datum(value: Data("after".utf8))) == [Message("after", tags: ["echo"])])
    }
    #expect(server.process.isRunning)
    #expect(!FileManager.default.fileExists(atPath: server.errorDirectory), "bad input is not a UDF failure")
  }

  /// Sends each element as one gRPC message on a `MapFn` stream, exactly as given, then
  /// half-closes; collects the responses and the final status.
  func sendRaw(
    _ messages: [[UInt8]], to socketPath: String, clientLimit: Int = 64 << 20
  ) async throws -> (responses: [Map_V1_MapResponse], error: RPCError?) {
    try await withUnixSocketClient(path: socketPath, maxMessageSize: clientLimit) { client in
      let request = StreamingClientRequest<[UInt8]> { writer in
        for message in messages { try await writer.write(message) }
      }
      return try await client.bidirectionalStreaming(
        request: request,
        descriptor: MethodDescriptor(fullyQualifiedService: "map.v1.Map", method: "MapFn"),
        serializer: RawBytes(),
        deserializer: ProtobufDeserializer<Map_V1_MapResponse>(),
        options: .defaults
      ) { response in
        var received: [Map_V1_MapResponse] = []
        do {
          for try await message in response.messages { received.append(message) }
          return (received, nil)
        } catch let error as RPCError {
          return (received, error)
        }
      }
    }
  }
}

/// Sends bytes as they are.
struct RawBytes: MessageSerializer {
  func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}
