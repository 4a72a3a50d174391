import Foundation
import GRPCCore
import NumaflowProtos
import NumaflowSessionReducer
import NumaflowTesting
import Synchronization
import Testing

/// Counts; a merged session's count includes the merged ones'. "throw" fails the session.
final class Counter: SessionReducer {
  private let count = Mutex(0)

  func sessionReduce(keys: [String], datums: Datums, output: MessageWriter) async throws {
    for await datum in datums {
      if datum.value == Data("throw".utf8) { throw Refused() }
      count.withLock { $0 += 1 }
    }
    try await output.write(Message(String(count.withLock { $0 }), keys: keys))
  }

  func accumulator() async throws -> Data { Data(String(count.withLock { $0 }).utf8) }

  func merge(accumulator: Data) async throws {
    count.withLock { $0 += Int(String(decoding: accumulator, as: UTF8.self)) ?? 0 }
  }
}

struct Refused: Error, CustomStringConvertible {
  var description: String { "refused" }
}

@Suite(.timeLimit(.minutes(5)))
struct SessionReducerTests {
  static let origin = Date(timeIntervalSince1970: 1_767_225_600)

  static func datum(_ keys: [String], at seconds: Double, _ value: String = "v") -> Datum {
    Datum(keys: keys, value: Data(value.utf8), eventTime: origin + seconds)
  }

  static func window(_ start: Double, _ end: Double) -> Window { Window(start: origin + start, end: origin + end) }

  static func summary(_ outcome: SessionReduceTestClient.Outcome) -> [String] {
    outcome.outputs.map {
      let start = Int($0.window.start.timeIntervalSince(origin))
      let end = Int($0.window.end.timeIntervalSince(origin))
      return "\($0.keys)[\(start),\(end))=\(String(decoding: $0.message.value, as: UTF8.self))"
    }.sorted()
  }

  @Test func expandAndMergeCarryTheMergedAccumulatorsAndOneEOFPerFinalSession() async throws {
    // a: 0 opens [0,30), 10 expands it to [0,40), 60 opens [60,90), 35 bridges and merges both.
    let datums = [
      Self.datum(["a"], at: 0), Self.datum(["a"], at: 10), Self.datum(["b"], at: 5), Self.datum(["a"], at: 60),
      Self.datum(["a"], at: 35), Self.datum(["b"], at: 100),
    ]
    let requests = SessionReduceTestClient.requests(for: datums, gap: .seconds(30))
    #expect(
      requests.map(\.operation.event) == [.open, .expand, .open, .open, .merge, .append, .open, .close, .close, .close])
    let outcome = try await SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Counter.init))
      .reduce(datums, gap: .seconds(30))
    // The merged sessions emit nothing; the merged one counts all four.
    #expect(Self.summary(outcome) == [#"["a"][0,90)=4"#, #"["b"][100,130)=1"#, #"["b"][5,35)=1"#])
    #expect(Set(outcome.closed) == [Self.window(0, 90), Self.window(5, 35), Self.window(100, 130)])
  }

  @Test func manySessionsAtOnce() async throws {
    let datums = (0..<3_000).map { Self.datum(["k\($0 % 100)"], at: Double(($0 / 100) * 100)) }
    let outcome = try await SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Counter.init))
      .reduce(datums, gap: .seconds(10))
    // 100 keys, 30 sessions each (100 s apart, 10 s gap), one message per session.
    #expect(outcome.outputs.count == 3_000)
    #expect(outcome.closed.count == 3_000)
    #expect(outcome.outputs.allSatisfy { $0.message.value == Data("1".utf8) })
  }

  @Test func anAppendWithoutOpenOpensTheSessionAndUnknownClosesAreIgnored() async throws {
    var requests = SessionReduceTestClient.requests(for: [Self.datum(["a"], at: 0)], gap: .seconds(30))
    requests[0].operation.event = .append
    var stranger = requests[1]
    stranger.operation.keyedWindows[0].keys = ["nobody"]
    let outcome = try await SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Counter.init))
      .send([requests[0], stranger, requests[1]])
    #expect(outcome.error == nil)
    #expect(outcome.responses.map(\.eof) == [false, true])
    #expect(outcome.responses.allSatisfy { $0.keyedWindow.keys == ["a"] })
  }

  @Test func aSessionThatThrowsFailsTheStreamClearly() async throws {
    let client = SessionReduceTestClient(
      server: SessionReduceServer(configuration: .testDefaults, sessionReducer: Counter.init))
    await #expect {
      _ = try await client.reduce([Self.datum(["ok"], at: 0), Self.datum(["bad"], at: 0, "throw")], gap: .seconds(5))
    } throws: { error in
      guard let error = error as? RPCError else { return false }
      return error.code == .internalError
        && error.message.hasPrefix("UDF_EXECUTION_ERROR(udf): session reducer failed for session [")
        && error.message.hasSuffix(#"keys ["bad"]: refused"#)
    }
  }

  @Test(arguments: ["expand-one-window", "merge-one-window", "no-window-bounds"])
  func misuseIsRefusedClearly(fault: String) async throws {
    var requests = SessionReduceTestClient.requests(for: [Self.datum(["a"], at: 0)], gap: .seconds(30))
    switch fault {
    case "expand-one-window": requests[0].operation.event = .expand
    case "merge-one-window": requests[0].operation.event = .merge
    default: requests[0].operation.keyedWindows[0].clearEnd()
    }
    let outcome = try await SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Counter.init)).send(
      requests)
    #expect(outcome.error?.code == .invalidArgument)
  }
}
