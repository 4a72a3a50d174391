import Foundation
import NumaflowSessionReducer
import NumaflowTesting
import PropertyBased
import Synchronization
import Testing

/// Random keyed event streams through a session reducer, as numa's operations (open, append,
/// expand, merge, close) on one stream, against a model of session windows: per keys, sessions
/// are the groups of event times less than a gap apart, each `[first, last + gap)`. Every
/// session must come back once, with its window, its keys and every datum that fell in it,
/// whatever order the datums came in and however the sessions merged on the way.
@Suite struct SessionWindowModelTests {
  struct Event: CustomStringConvertible {
    var key: String
    var second: Int

    var description: String { "\(key)@\(second)s" }
  }

  static let gap = 5
  static let event = zip(Gen.int(in: 0...2), Gen.int(in: 0...40)).map { key, second in
    Event(key: ["a", "b", "c"][key], second: second)
  }
  static let origin = Date(timeIntervalSince1970: 1_767_225_600)

  /// Sums a session's datums (1,000 each plus its second, so both the count and the members
  /// show), adding the sums of the sessions merged into it.
  final class Sum: SessionReducer {
    private let total = Mutex(0)

    func sessionReduce(keys: [String], datums: Datums, output: MessageWriter) async throws {
      for await datum in datums {
        let second = Int(String(decoding: datum.value, as: UTF8.self)) ?? 0
        total.withLock { $0 += 1_000 + second }
      }
      try await output.write(Message(String(total.withLock { $0 }), keys: keys))
    }

    func accumulator() async throws -> Data { Data(String(total.withLock { $0 }).utf8) }

    func merge(accumulator: Data) async throws {
      let other = Int(String(decoding: accumulator, as: UTF8.self)) ?? 0
      total.withLock { $0 += other }
    }
  }

  /// The model: sessions per key with their window in seconds and their sum.
  static func sessions(_ events: [Event]) -> [String] {
    var lines: [String] = []
    for key in Set(events.map(\.key)).sorted() {
      var session: (start: Int, end: Int, sum: Int)?
      for second in events.filter({ $0.key == key }).map(\.second).sorted() {
        if let open = session, second < open.end {
          session = (open.start, max(open.end, second + gap), open.sum + 1_000 + second)
        } else {
          if let open = session { lines.append("\(key) [\(open.start), \(open.end)) \(open.sum)") }
          session = (second, second + gap, 1_000 + second)
        }
      }
      if let open = session { lines.append("\(key) [\(open.start), \(open.end)) \(open.sum)") }
    }
    return lines.sorted()
  }

  static func check(_ events: [Event]) async -> String? {
    let datums = events.map {
      Datum(keys: [$0.key], value: Data(String($0.second).utf8), eventTime: origin + TimeInterval($0.second))
    }
    do {
      let client = SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Sum.init))
      let outcome = try await client.reduce(datums, gap: .seconds(gap))
      let got = outcome.outputs.map { output in
        let start = Int(output.window.start.timeIntervalSince(origin))
        let end = Int(output.window.end.timeIntervalSince(origin))
        return "\(output.keys.joined()) [\(start), \(end)) \(String(decoding: output.message.value, as: UTF8.self))"
      }.sorted()
      let expected = sessions(events)
      return got == expected ? nil : "sessions \(got), expected \(expected)"
    } catch {
      return "the exchange failed: \(error)"
    }
  }

  @Test func everySessionComesBackOnceWithAllItsDatums() async {
    await checkModel(count: 150, seed: 20_261_205, steps: Self.event.array(of: 0...24), property: Self.check)
  }
}
