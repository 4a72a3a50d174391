import Foundation
import GRPCCore
import NumaflowProtos
import NumaflowSourcer
import NumaflowTesting
import Testing

/// A source server process (`source-async-sequence` following a file) on a real socket:
/// SIGTERM during a read, a client that half-closes mid-read, and misuse of `ReadFn`.
@Suite(.timeLimit(.minutes(5)))
struct SourceIntegrationTests {
  /// Starts the example on an empty file it follows; returns the server and the file.
  func startFollowing() async throws -> (ServerUnderTest, FileHandle) {
    let directory = try makeTemporaryDirectory(prefix: "source-it")
    let path = directory + "/input.log"
    _ = FileManager.default.createFile(atPath: path, contents: Data())
    let server = try await ServerUnderTest(
      "source-async-sequence", arguments: ["--file", path], socket: "source.sock", serverInfo: "sourcer-server-info")
    return (server, try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
  }

  /// Opens `ReadFn` on the server, sends `requests` (the first at once), and collects what comes back.
  func readStream(
    _ server: ServerUnderTest, _ requests: [Source_V1_ReadRequest], thenHalfClose: Bool = true
  ) async throws -> StreamOutcome<Source_V1_ReadResponse> {
    try await withUnixSocketClient(path: server.socketPath) { grpcClient in
      let client = Source_V1_Source.Client(wrapping: grpcClient)
      return try await converse(opening: requests[0], open: { try await client.readFn(request: $0, onResponse: $1) }) {
        conversation in
        for request in requests.dropFirst() { conversation.send(request) }
        var responses: [Source_V1_ReadResponse] = []
        if thenHalfClose { conversation.finish() }
        do {
          while let response = try await conversation.receive() { responses.append(response) }
          return StreamOutcome(responses: responses, error: nil)
        } catch let error as RPCError {
          return StreamOutcome(responses: responses, error: error)
        }
      }
    }
  }

  func handshake() -> Source_V1_ReadRequest {
    var request = Source_V1_ReadRequest()
    request.handshake.sot = true
    return request
  }

  func read(_ count: UInt64, timeoutMs: UInt32) -> Source_V1_ReadRequest {
    var request = Source_V1_ReadRequest()
    request.request.numRecords = count
    request.request.timeoutInMs = timeoutMs
    return request
  }

  @Test func sigtermDuringAReadLetsItFinishAndExitsZero() async throws {
    let (server, file) = try await startFollowing()
    defer { server.stop() }
    let values = try await withUnixSocketClient(path: server.socketPath) { grpcClient in
      let client = Source_V1_Source.Client(wrapping: grpcClient)
      return try await converse(opening: handshake(), open: { try await client.readFn(request: $0, onResponse: $1) }) {
        conversation in
        _ = try await conversation.receive()  // the handshake: the stream is open
        conversation.send(read(10, timeoutMs: 3000))
        // SIGTERM finds the read waiting for lines, or about to: either way the open stream
        // stays served, and the read is answered once the lines come.
        server.terminate()
        try file.write(contentsOf: Data("one\ntwo\nthree\n".utf8))
        // The stream stays served after SIGTERM: read on until the three lines came.
        var values: [String] = []
        for _ in 0..<10 {
          while let response = try await conversation.receive(), !response.status.eot {
            values.append(String(decoding: response.result.payload, as: UTF8.self))
          }
          if values.count >= 3 { break }
          conversation.send(read(10, timeoutMs: 1000))
        }
        return values
      }
    }
    // The read in flight was answered (what arrived before its timeout, then its EOT), and so
    // were the reads after it.
    #expect(values == ["one", "two", "three"])
    #expect(try await server.exitStatus() == 0)
  }

  @Test func aClientThatHalfClosesMidReadGetsTheReadThenTheEnd() async throws {
    let (server, file) = try await startFollowing()
    defer { server.stop() }
    // One line: a read answers with what is ready when the first record is, so of two lines
    // it may take one, and the half-close leaves no second read. The timeout is long for a
    // loaded machine; the read ends as soon as the line is pulled from the file.
    try file.write(contentsOf: Data("a\n".utf8))
    let outcome = try await readStream(server, [handshake(), read(5, timeoutMs: 10_000)])
    #expect(outcome.error == nil)
    #expect(outcome.responses.first?.handshake.sot == true)
    #expect(outcome.responses.dropFirst().filter(\.hasResult).map(\.result.payload) == [Data("a".utf8)])
    #expect(outcome.responses.last?.status.eot == true)
    #expect(try await SourceTestClient(socketPath: server.socketPath).isReady())
  }

  @Test func misuseOfReadFnIsRefusedAndTheServerKeepsServing() async throws {
    let (server, file) = try await startFollowing()
    defer { server.stop() }
    let early = try await readStream(server, [read(1, timeoutMs: 10)])
    #expect(early.error?.code == .failedPrecondition)
    #expect(early.error?.message.contains("first message must be a handshake") == true)

    let twice = try await readStream(server, [handshake(), read(1, timeoutMs: 10), handshake()])
    #expect(twice.error?.code == .failedPrecondition)
    #expect(twice.error?.message.contains("second handshake") == true)
    #expect(twice.responses.last?.status.eot == true, "the read before it was answered")

    try file.write(contentsOf: Data("after\n".utf8))
    let after = try await SourceTestClient(socketPath: server.socketPath).read(count: 1, timeout: .seconds(2))
    #expect(after.map(\.value) == [Data("after".utf8)], "nothing read before the misuse was lost")
    #expect(!FileManager.default.fileExists(atPath: server.runDirectory + "/runtime"), "misuse is no UDF failure")
  }
}
