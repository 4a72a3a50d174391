import Foundation
import GRPCCore
import NumaflowProtos
import NumaflowReduceStreamer
import NumaflowReducer
import NumaflowTesting
import Synchronization
import Testing

/// "keys=<keys> count=<n> values=<v1,v2,...>" per keyed window.
struct Summary: Reducer {
  func reduce(keys: [String], datums: NumaflowReducer.Datums, window: Window) async throws -> [NumaflowReducer.Message]
  {
    var values: [String] = []
    for await datum in datums {
      let text = String(decoding: datum.value, as: UTF8.self)
      if text == "throw" { throw Refused() }
      values.append(text)
    }
    return [NumaflowReducer.Message("count=\(values.count) values=\(values.joined(separator: ","))", keys: keys)]
  }
}

/// Counts a window's datums, and signals `received` at the first: a reducer a test can cut
/// in the middle of its window.
struct CountingReducer: Reducer {
  let received: OneShotEvent

  func reduce(keys: [String], datums: NumaflowReducer.Datums, window: Window) async throws -> [NumaflowReducer.Message]
  {
    var count = 0
    for await _ in datums {
      count += 1
      received.signal()
    }
    return [NumaflowReducer.Message("count=\(count)", keys: keys)]
  }
}

/// Counts how many reducers are past the end of their datums at once: each waits, after its
/// datums end, until `crowd` of them are (or `patience` has passed).
struct CrowdingReducer: Reducer {
  final class Tally: Sendable {
    let state = Mutex((ended: 0, most: 0))
    let crowded = OneShotEvent()
  }
  let tally: Tally
  let crowd: Int
  let patience: Duration

  func reduce(keys: [String], datums: NumaflowReducer.Datums, window: Window) async throws -> [NumaflowReducer.Message]
  {
    for await _ in datums {}
    let ended = tally.state.withLock { state in
      state.ended += 1
      state.most = max(state.most, state.ended)
      return state.ended
    }
    if ended >= crowd { tally.crowded.signal() }
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await tally.crowded.wait() }
      group.addTask { try? await Task.sleep(for: patience) }
      await group.next()
      group.cancelAll()
    }
    tally.state.withLock { $0.ended -= 1 }
    return [NumaflowReducer.Message("done", keys: keys)]
  }
}

struct SyncSummary: SyncReducer {
  func reduce(keys: [String], datums: [Datum], window: Window) throws -> [NumaflowReducer.Message] {
    let values = datums.map { String(decoding: $0.value, as: UTF8.self) }
    return [NumaflowReducer.Message("count=\(values.count) values=\(values.joined(separator: ","))", keys: keys)]
  }
}

/// Writes "early:<n>" every 3 datums, then "final:<n>".
struct EarlyCounter: ReduceStreamer {
  func reduceStream(keys: [String], datums: NumaflowReducer.Datums, window: Window, output: MessageWriter) async throws
  {
    var count = 0
    for await _ in datums {
      count += 1
      if count % 3 == 0 { try await output.write(NumaflowReducer.Message("early:\(count)", keys: keys)) }
    }
    try await output.write(NumaflowReducer.Message("final:\(count)", keys: keys))
  }
}

struct Refused: Error, CustomStringConvertible {
  var description: String { "refused" }
}

@Suite(.timeLimit(.minutes(5)))
struct ReducerTests {
  static let origin = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
  static let minute = Window(start: origin, end: origin + 60)

  static func datum(_ value: String, keys: [String] = ["k"], at seconds: Double = 0) -> Datum {
    Datum(keys: keys, value: Data(value.utf8), eventTime: origin + seconds)
  }

  static func text(_ message: NumaflowReducer.Message) -> String { String(decoding: message.value, as: UTF8.self) }

  @Test(arguments: ["async", "sync", "inline"])
  func manyKeysAndManyWindowsAtOnce(mode: String) async throws {
    let server =
      switch mode {
      case "sync": ReduceServer(mode: .sync) { SyncSummary() }
      case "inline": ReduceServer(mode: .async) { SyncSummary() }
      default: ReduceServer(reducer: Summary.init)
      }
    // 20 windows of a minute, 50 keys, 3 values per key and window.
    var datums: [Datum] = []
    for window in 0..<20 {
      for key in 0..<50 {
        for value in 0..<3 {
          datums.append(Self.datum("w\(window)v\(value)", keys: ["key\(key)"], at: Double(window * 60 + value)))
        }
      }
    }
    let outputs = try await ReduceTestClient(server: server).reduce(datums, windowing: .fixed(.seconds(60)))
    #expect(outputs.count == 20 * 50)
    for (index, output) in outputs.enumerated() {
      let window = index / 50
      #expect(output.window.start == Self.origin + Double(window * 60))
      #expect(Self.text(output.message) == "count=3 values=w\(window)v0,w\(window)v1,w\(window)v2")
    }
  }

  /// At the window's end every key's datums end; a queue's worth of keys (the server's
  /// `maxConcurrentRequests`) end at a time, so 10,000 keys do not make and hold 10,000 results
  /// at once. Before, all 6 reducers here ended together.
  @Test func keysEndAQueuesWorthAtATime() async throws {
    var configuration = ServerConfiguration.testDefaults
    configuration.maxConcurrentRequests = 2
    let tally = CrowdingReducer.Tally()
    let server = ReduceServer(configuration: configuration) {
      CrowdingReducer(tally: tally, crowd: 3, patience: .milliseconds(500))
    }
    let datums = (0..<6).map { Self.datum("v", keys: ["key\($0)"]) }
    let outputs = try await ReduceTestClient(server: server).reduce(datums, window: Self.minute)
    #expect(outputs.count == 6)
    #expect((1...2).contains(tally.state.withLock { $0.most }))
  }

  @Test func slidingWindowsThatOverlapEachGetTheMessage() async throws {
    let datums = [Self.datum("a", at: 5), Self.datum("b", at: 25), Self.datum("c", at: 65)]
    let outputs = try await ReduceTestClient(server: ReduceServer(reducer: Summary.init))
      .reduce(datums, windowing: .sliding(length: .seconds(60), slide: .seconds(20)))
    let byWindow = outputs.map { (Int($0.window.start.timeIntervalSince(Self.origin)), Self.text($0.message)) }
    #expect(
      byWindow.map { "\($0.0):\($0.1)" } == [
        "-40:count=1 values=a", "-20:count=2 values=a,b", "0:count=2 values=a,b", "20:count=2 values=b,c",
        "40:count=1 values=c", "60:count=1 values=c",
      ])
  }

  @Test func keysGroupAsNumaJoinsThem() async throws {
    let datums = [
      Self.datum("1", keys: []), Self.datum("2", keys: [""]), Self.datum("3", keys: ["a:b"]),
      Self.datum("4", keys: ["a", "b"]),
    ]
    let messages = try await ReduceTestClient(server: ReduceServer(reducer: Summary.init)).reduce(
      datums, window: Self.minute)
    let results = Set(messages.map { "\($0.keys)=\(Self.text($0))" })
    // Each group carries the keys of its first message.
    #expect(results == [#"[]=count=2 values=1,2"#, #"["a:b"]=count=2 values=3,4"#])
  }

  @Test func exactlyOneEOFComesLastWithTheWindow() async throws {
    let requests = (0..<30).map { index in
      Self.datum("v", keys: ["k\(index % 7)"]).reduceRequest(window: Self.minute, event: index == 0 ? .open : .append)
    }
    let outcome = try await ReduceTestClient(server: ReduceServer(reducer: Summary.init)).send(requests)
    #expect(outcome.error == nil)
    #expect(outcome.responses.count == 8)
    #expect(outcome.responses.filter(\.eof).count == 1)
    #expect(outcome.responses.last?.eof == true)
    #expect(
      outcome.responses.allSatisfy { $0.window.start == Self.minute.wireStart && $0.window.end == Self.minute.wireEnd })
    #expect(outcome.responses.allSatisfy { $0.window.slot == "0" })
  }

  @Test func anAppendWithoutOpenOpensTheWindow() async throws {
    let requests = [Self.datum("x").reduceRequest(window: Self.minute, event: .append)]
    let outcome = try await ReduceTestClient(server: ReduceServer(reducer: Summary.init)).send(requests)
    #expect(outcome.error == nil)
    #expect(outcome.responses.map(\.eof) == [false, true])
  }

  @Test(arguments: ["close", "second-window", "two-windows", "no-payload"])
  func misuseIsRefusedClearly(fault: String) async throws {
    var second = Self.datum("y").reduceRequest(window: Self.minute, event: .append)
    switch fault {
    case "close":
      second.operation.event = .close
    case "second-window":
      second = Self.datum("y").reduceRequest(
        window: Window(start: Self.origin + 60, end: Self.origin + 120), event: .append)
    case "two-windows":
      second.operation.windows.append(second.operation.windows[0])
    default:
      second.clearPayload()
    }
    let requests = [Self.datum("x").reduceRequest(window: Self.minute, event: .open), second]
    let outcome = try await ReduceTestClient(server: ReduceServer(reducer: Summary.init)).send(requests)
    let error = try #require(outcome.error)
    #expect(error.code == .invalidArgument)
    let expected =
      switch fault {
      case "close": "numa closes an aligned window by half-closing its stream, not with CLOSE"
      case "second-window": "differs from this stream's window"
      case "two-windows": "carries exactly one window, not 2"
      default: "an OPEN or APPEND carries a payload"
      }
    #expect(error.message.contains(expected), "\(error.message)")
    #expect(!outcome.responses.contains { $0.eof }, "an EOF after a refused request")
  }

  @Test func aHandlerThatThrowsInOneWindowFailsItClearlyWhileOthersAreAnswered() async throws {
    let client = ReduceTestClient(server: ReduceServer(configuration: .testDefaults, reducer: Summary.init))
    await #expect {
      _ = try await client.reduce(
        [Self.datum("ok", keys: ["good"]), Self.datum("throw", keys: ["bad"])], windowing: .fixed(.seconds(60)))
    } throws: { error in
      guard let error = error as? RPCError else { return false }
      return error.code == .internalError
        && error.message.hasPrefix(
          "UDF_EXECUTION_ERROR(udf): reducer failed for window [1767225600000, 1767225660000) keys [\"bad\"]: refused")
    }
  }

  @Test func aStreamCutBeforeItsEOFIsNoUDFFailure() async throws {
    let runtime = NSTemporaryDirectory() + "reduce-cut-\(UUID().uuidString.prefix(6))"
    defer { try? FileManager.default.removeItem(atPath: runtime) }
    let received = OneShotEvent()
    let client = ReduceTestClient(
      server: ReduceServer(configuration: .testDefaults, reducer: { CountingReducer(received: received) }),
      runtimeDirectory: runtime)
    let requests = (0..<5).map { Self.datum("v").reduceRequest(window: Self.minute, event: $0 == 0 ? .open : .append) }
    let stream = Task { try await client.exchange(requests, awaitingResponses: 1, timeout: .seconds(30)) }
    // A window stream answers nothing before its EOF: cut it once the reducer is at work.
    await received.wait()
    stream.cancel()
    _ = await stream.result
    #expect(!FileManager.default.fileExists(atPath: runtime + "/application-errors"), "a cut stream is no UDF failure")
  }

  @Test func aStreamerWritesResultsBeforeTheWindowCloses() async throws {
    let requests = (0..<7).map { Self.datum("v").reduceRequest(window: Self.minute, event: $0 == 0 ? .open : .append) }
    // The stream stays open until two results came: they can only be the early ones.
    let outcome = try await ReduceTestClient(server: ReduceStreamServer(reduceStreamer: EarlyCounter.init))
      .exchange(requests, awaitingResponses: 2)
    #expect(outcome.error == nil)
    #expect(
      outcome.responses.map { $0.eof ? "EOF" : String(decoding: $0.result.value, as: UTF8.self) } == [
        "early:3", "early:6", "final:7", "EOF",
      ])
  }

  @Test func aReducerIsCallableDirectly() async throws {
    let messages = try await Summary().reduce(
      keys: ["k"], datums: NumaflowReducer.Datums([Self.datum("a"), Self.datum("b")]), window: Self.minute)
    #expect(messages == [NumaflowReducer.Message("count=2 values=a,b", keys: ["k"])])
  }

  @Test func theWindowerAssignsAsNuma() {
    let at = Self.origin + 75.5
    #expect(Windowing.fixed(.seconds(60)).windows(for: at) == [Window(start: Self.origin + 60, end: Self.origin + 120)])
    #expect(
      Windowing.sliding(length: .seconds(60), slide: .seconds(30)).windows(for: at) == [
        Window(start: Self.origin + 30, end: Self.origin + 90), Window(start: Self.origin + 60, end: Self.origin + 120),
      ])
    // A time on a boundary belongs to the window it starts.
    #expect(Windowing.fixed(.seconds(60)).windows(for: Self.origin + 60).first?.start == Self.origin + 60)
  }
}
