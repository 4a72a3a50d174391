import Foundation
import NumaflowReducer
import NumaflowTesting
import PropertyBased
import Testing

/// Random keyed event streams through a reducer with fixed and sliding windows, against a
/// model of numa's aligned windows: a datum at time t belongs to every window
/// `[start, start + length)` with `start` a multiple of the slide and `start <= t < start +
/// length`. Every keyed window must come back once with exactly its datums.
@Suite struct AlignedWindowModelTests {
  struct Event: CustomStringConvertible {
    var key: String
    var second: Int

    var description: String { "\(key)@\(second)s" }
  }

  static let event = zip(Gen.int(in: 0...2), Gen.int(in: 0...59)).map { key, second in
    Event(key: ["a", "b", "c"][key], second: second)
  }
  static let origin = Date(timeIntervalSince1970: 1_767_225_600)

  /// Lists the seconds of a window's datums, in the order they arrived.
  struct Members: Reducer {
    func reduce(keys: [String], datums: Datums, window: Window) async throws -> [Message] {
      var seconds: [String] = []
      for await datum in datums { seconds.append(String(decoding: datum.value, as: UTF8.self)) }
      return [Message(seconds.joined(separator: ","), keys: keys)]
    }
  }

  static func windows(_ events: [Event], length: Int, slide: Int) -> [String] {
    var members: [String: [Int]] = [:]
    for event in events {
      var start = event.second / slide * slide
      while start > event.second - length {
        members["\(event.key) [\(start), \(start + length))", default: []].append(event.second)
        start -= slide
      }
    }
    return members.map { "\($0.key) \($0.value.map(String.init).joined(separator: ","))" }.sorted()
  }

  static func check(_ events: [Event], length: Int, slide: Int) async -> String? {
    let datums = events.map {
      Datum(keys: [$0.key], value: Data(String($0.second).utf8), eventTime: origin + TimeInterval($0.second))
    }
    let windowing: Windowing =
      length == slide ? .fixed(.seconds(length)) : .sliding(length: .seconds(length), slide: .seconds(slide))
    do {
      let outputs = try await ReduceTestClient(server: ReduceServer(reducer: Members.init))
        .reduce(datums, windowing: windowing)
      let got = outputs.map { output in
        let start = Int(output.window.start.timeIntervalSince(origin))
        let end = Int(output.window.end.timeIntervalSince(origin))
        return "\(output.keys.joined()) [\(start), \(end)) \(String(decoding: output.message.value, as: UTF8.self))"
      }.sorted()
      let expected = windows(events, length: length, slide: slide)
      return got == expected ? nil : "windows \(got), expected \(expected)"
    } catch {
      return "the exchange failed: \(error)"
    }
  }

  @Test(arguments: [(10, 10), (10, 5), (15, 5)])
  func everyKeyedWindowComesBackOnceWithItsDatums(length: Int, slide: Int) async {
    await checkModel(count: 60, seed: 20_261_205, steps: Self.event.array(of: 0...20)) { events in
      await Self.check(events, length: length, slide: slide)
    }
  }
}
