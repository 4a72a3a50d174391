import Foundation
import NumaflowProtos
import NumaflowReducer
import NumaflowTesting
import Testing

/// The reduce examples over a real socket: SIGTERM in the middle of a window.
@Suite(.timeLimit(.minutes(5)))
struct ReduceIntegrationTests {
  static let minute = Window(
    start: Date(timeIntervalSince1970: 1_767_225_600), end: Date(timeIntervalSince1970: 1_767_225_660))

  @Test func sigtermInTheMiddleOfAWindowStillAnswersItThenExitsZero() async throws {
    let server = try await ServerUnderTest(
      "reducestream-counter", socket: "reducestream.sock", serverInfo: "reducestreamer-server-info")
    defer { server.stop() }
    let requests = (0..<15).map { index in
      Datum(keys: ["k"], value: Data("\(index)".utf8), eventTime: Self.minute.start)
        .reduceRequest(window: Self.minute, event: index == 0 ? .open : .append)
    }
    // The early result ("counter:11") arrives while the window is open; SIGTERM then, and the
    // window is closed afterwards, as numa closes it.
    let outcome = try await ReduceTestClient(socketPath: server.socketPath).exchange(requests, awaitingResponses: 1) {
      server.terminate()
    }
    #expect(outcome.error == nil)
    #expect(
      outcome.responses.map { $0.eof ? "EOF" : String(decoding: $0.result.value, as: UTF8.self) } == [
        "counter:11", "counter:4", "EOF",
      ])
    #expect(try await server.exitStatus() == 0)
  }
}
