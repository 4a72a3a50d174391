import Foundation
import GRPCCore
import NumaflowAccumulator
import NumaflowProtos
import NumaflowTesting
import SwiftProtobuf
import Testing

/// Forwards everything it gets, in arrival order.
struct Forward: Accumulator {
  func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws {
    for await datum in datums {
      if datum.value == Data("throw".utf8) { throw Refused() }
      try await output.write(Message(forwarding: datum))
    }
  }
}

/// Holds each key's data and sends it sorted by event time when the key closes.
struct SortAtClose: Accumulator {
  func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws {
    var all: [Datum] = []
    for await datum in datums { all.append(datum) }
    for datum in all.sorted(by: { $0.eventTime < $1.eventTime }) { try await output.write(Message(forwarding: datum)) }
  }
}

struct Refused: Error, CustomStringConvertible {
  var description: String { "refused" }
}

@Suite(.timeLimit(.minutes(5)))
struct AccumulatorTests {
  static let origin = Date(timeIntervalSince1970: 1_767_225_600)

  static func datum(_ value: String, keys: [String] = ["k"], at seconds: Double, watermark: Double? = nil, id: String)
    -> Datum
  {
    Datum(
      id: id, keys: keys, value: Data(value.utf8), eventTime: origin + seconds,
      watermark: watermark.map { origin + $0 })
  }

  @Test func outOfOrderInputComesOutSortedPerKeyWithAnEOFEchoingEachClose() async throws {
    let datums = [
      Self.datum("a3", keys: ["a"], at: 3, id: "1"), Self.datum("b2", keys: ["b"], at: 2, id: "2"),
      Self.datum("a1", keys: ["a"], at: 1, id: "3"), Self.datum("a2", keys: ["a"], at: 2, id: "4"),
      Self.datum("b1", keys: ["b"], at: 1, id: "5"),
    ]
    let outcome = try await AccumulatorTestClient(server: AccumulatorServer(accumulator: SortAtClose.init))
      .accumulate(datums, timeout: .seconds(10))
    let perKey = Dictionary(grouping: outcome.outputs, by: \.keys).mapValues {
      $0.map { String(decoding: $0.message.value, as: UTF8.self) }
    }
    #expect(perKey == [["a"]: ["a1", "a2", "a3"], ["b"]: ["b1", "b2"]])
    // Each output keeps its input's id and event time.
    #expect(
      outcome.outputs.allSatisfy { output in
        datums.contains { $0.id == output.message.id && $0.eventTime == output.message.eventTime }
      })
    // The EOFs echo the CLOSEs: [first event time, last + timeout).
    #expect(
      Set(outcome.closed) == [
        Window(start: Self.origin + 3, end: Self.origin + 13), Window(start: Self.origin + 2, end: Self.origin + 12),
      ])
  }

  /// The trailing closure is the handler, called once per key; a drop still moves the key's
  /// window on by its datum's watermark.
  @Test func aClosureHandlerThatDropsStillMovesTheWindowOn() async throws {
    let datums = [
      Self.datum("keep", at: 5, watermark: 1, id: "1"), Self.datum("skip", at: 6, watermark: 4, id: "2"),
    ]
    let server = AccumulatorServer { _, datums, output in
      for await datum in datums {
        try await output.write(datum.value == Data("skip".utf8) ? .drop(datum) : Message(forwarding: datum))
      }
    }
    let outcome = try await AccumulatorTestClient(server: server).accumulate(datums, timeout: .seconds(10))
    #expect(outcome.outputs.map(\.message.isDrop) == [false, true])
    #expect(outcome.outputs.map(\.window.end) == [Self.origin + 1, Self.origin + 4])
    #expect(outcome.outputs.last?.message.value.isEmpty == true, "a drop carries no payload")
  }

  @Test func theWindowEndIsTheLatestWatermarkWritten() async throws {
    let datums = [
      Self.datum("x", at: 5, watermark: 1, id: "1"), Self.datum("y", at: 6, watermark: 4, id: "2"),
      Self.datum("z", at: 7, watermark: 2, id: "3"),
    ]
    let outcome = try await AccumulatorTestClient(server: AccumulatorServer(accumulator: Forward.init))
      .accumulate(datums, timeout: .seconds(10))
    #expect(outcome.outputs.map(\.window.end) == [Self.origin + 1, Self.origin + 4, Self.origin + 4])
    #expect(outcome.outputs.allSatisfy { $0.window.start == Date(timeIntervalSince1970: 0) })
  }

  @Test func theEndOfTimeWindowDecodesAndIsEchoedExactly() async throws {
    var requests = AccumulatorTestClient.requests(for: [Self.datum("x", at: 0, id: "1")], timeout: .seconds(1))
    // Numa's OPEN window ends in the year 262142; close with the same window to see it echoed.
    requests[1].operation.keyedWindow.end = requests[0].operation.keyedWindow.end
    let outcome = try await AccumulatorTestClient(server: AccumulatorServer(accumulator: Forward.init)).send(requests)
    #expect(outcome.error == nil)
    let eof = try #require(outcome.responses.last)
    #expect(eof.eof)
    #expect(eof.window.end.seconds == 8_210_266_876_799 && eof.window.end.nanos == 999_999_999)
    #expect(Window(wireStart: eof.window.start, wireEnd: eof.window.end).end.timeIntervalSince1970 > 8.2e12)
  }

  @Test func anAppendWithoutOpenOpensTheKeyAndAnUnknownCloseIsIgnored() async throws {
    var requests = AccumulatorTestClient.requests(for: [Self.datum("x", at: 0, id: "1")], timeout: .seconds(1))
    requests[0].operation.event = .append
    var stranger = requests[1]
    stranger.operation.keyedWindow.keys = ["nobody"]
    let outcome = try await AccumulatorTestClient(server: AccumulatorServer(accumulator: Forward.init))
      .send([requests[0], stranger, requests[1]])
    #expect(outcome.error == nil)
    #expect(outcome.responses.map(\.eof) == [false, true])
  }

  @Test func aKeyThatThrowsFailsTheStreamClearlyAfterTheOthersFinish() async throws {
    let datums = [Self.datum("ok", keys: ["good"], at: 0, id: "1"), Self.datum("throw", keys: ["bad"], at: 0, id: "2")]
    await #expect {
      _ = try await AccumulatorTestClient(
        server: AccumulatorServer(configuration: .testDefaults, accumulator: Forward.init)
      )
      .accumulate(datums, timeout: .seconds(1))
    } throws: { error in
      (error as? RPCError)?.message == "UDF_EXECUTION_ERROR(udf): accumulator failed for keys [\"bad\"]: refused"
    }
  }

  @Test func manyKeysAtOnce() async throws {
    let datums = (0..<2_000).map { Self.datum("v\($0)", keys: ["k\($0 % 200)"], at: Double($0 % 17), id: "\($0)") }
    let outcome = try await AccumulatorTestClient(server: AccumulatorServer(accumulator: SortAtClose.init))
      .accumulate(datums, timeout: .seconds(5))
    #expect(outcome.outputs.count == 2_000)
    #expect(outcome.closed.count == 200)
    for (keys, outputs) in Dictionary(grouping: outcome.outputs, by: \.keys) {
      #expect(outputs.map(\.message.eventTime) == outputs.map(\.message.eventTime).sorted(), "\(keys)")
    }
  }
}
