import Foundation
import NumaflowSideInput
import NumaflowTesting
import Testing

struct Limits: Codable, Equatable {
  var rate: Int
}

@Suite(.timeLimit(.minutes(5)))
struct SideInputConsumerTests {
  @Test func theCurrentValueComesFirstThenEveryChange() async throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    try directory.set("limits", to: #"{"rate":1}"#)
    var values = directory.sideInputs.watch("limits", as: Limits.self).makeAsyncIterator()
    #expect(try await values.next() == Limits(rate: 1))
    try directory.set("limits", to: #"{"rate":2}"#)
    #expect(try await values.next() == Limits(rate: 2))
  }

  @Test func rapidSwapsYieldOnlyWholeValuesInOrderEndingOnTheLast() async throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    // A value is its number repeated: a half-written one would not be.
    func value(_ index: Int) -> String { String(repeating: "\(index);", count: 2_000) }
    try directory.set("ticker", to: value(0))
    // The swaps start once the watch has its first value, so that value is surely 0.
    let (started, start) = AsyncStream<Void>.makeStream()
    let seen = try await withThrowingTaskGroup(of: [Int].self) { group in
      group.addTask {
        defer { start.finish() }
        var seen: [Int] = []
        for try await text in directory.sideInputs(pollInterval: .milliseconds(1)).watch("ticker", as: String.self) {
          let parts = text.split(separator: ";")
          let index = try #require(Int(parts[0]))
          #expect(parts.count == 2_000 && parts.allSatisfy { $0 == parts[0] }, "a torn value")
          seen.append(index)
          start.finish()
          if index == 1_000 { break }
        }
        return seen
      }
      group.addTask {
        for await _ in started {}
        for index in 1...1_000 { try directory.set("ticker", to: value(index)) }
        return []
      }
      var all: [[Int]] = []
      for try await part in group { all.append(part) }
      return all.flatMap { $0 }
    }
    #expect(seen.first == 0)
    #expect(seen.last == 1_000)
    #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 }, "out of order or repeated: \(seen)")
    // Only the leftovers of numa's swaps: one value file and its link.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 2)
  }

  @Test func aConsumerStartedBeforeTheFirstValueWaitsForIt() async throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    let clock = ManualClock()
    try await withThrowingTaskGroup(of: String?.self) { group in
      group.addTask {
        var values = directory.sideInputs(clock: clock).watch("model", as: String.self).makeAsyncIterator()
        return try await values.next()
      }
      await clock.waitForSleepers()  // it found nothing and waits for its next look
      try directory.set("model", to: "v1")
      clock.advance(by: .milliseconds(10))
      #expect(try await group.next()! == "v1")
    }
  }

  @Test func aMissingDirectoryIsWaitedForOrReported() async throws {
    let parent = try SideInputDirectory()
    defer { parent.remove() }
    let path = parent.path + "/not-yet"
    await #expect {
      var values = SideInputs(directory: path).watch("model", whenMissing: .fail).makeAsyncIterator()
      _ = try await values.next()
    } throws: { error in
      (error as? SideInputError)?.code == .missing
        && (error as? SideInputError)?.message.contains("does not exist (is the side input mounted?)") == true
    }
    #expect(throws: SideInputError.self) { try SideInputs(directory: path).latest("model") }

    let clock = ManualClock()
    try await withThrowingTaskGroup(of: Data?.self) { group in
      group.addTask {
        var values = SideInputs(directory: path, pollInterval: .milliseconds(10), clock: clock).watch("model")
          .makeAsyncIterator()
        return try await values.next()
      }
      await clock.waitForSleepers()  // it found no directory and waits for its next look
      try SideInputDirectory(path: path).set("model", to: "v1")
      clock.advance(by: .milliseconds(10))
      #expect(try await group.next()! == Data("v1".utf8))
    }
  }

  @Test func anUnchangedValueIsNotYieldedAgain() async throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    try directory.set("flag", to: "on")
    let clock = ManualClock()
    var values = directory.sideInputs(clock: clock).watch("flag", as: String.self).makeAsyncIterator()
    #expect(try await values.next() == "on")
    let iterator = values
    let next = Task {
      var values = iterator
      return try await values.next()
    }
    await clock.waitForSleepers()
    // A swap to a new file with the same bytes (numa itself skips it), seen at the next look...
    let link = directory.path + "/flag"
    try Data("on".utf8).write(to: URL(fileURLWithPath: link + "_copy"))
    try FileManager.default.createSymbolicLink(atPath: link + "_tmp", withDestinationPath: link + "_copy")
    #expect(rename(link + "_tmp", link) == 0)
    clock.advance(by: .milliseconds(10))
    await clock.waitForSleepers()  // ...which read it, yielded nothing and waits again
    // ...then a real change.
    try directory.set("flag", to: "off")
    clock.advance(by: .milliseconds(10))
    #expect(try await next.value == "off")
  }

  @Test func latestFollowsTheLinkAndReadsEachFileOnce() throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    try directory.set("version", to: "1")
    #expect(try directory.sideInputs.latest("version", as: String.self) == "1")
    #expect(try directory.sideInputs.latest("version", as: String.self) == "1")
    try directory.set("version", to: "2")
    #expect(try directory.sideInputs.latest("version", as: String.self) == "2")
    #expect(try directory.sideInputs.latest("version") == Data("2".utf8))
  }

  @Test func aValueTheCodecRefusesIsAClearError() async throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    try directory.set("limits", to: "not json")
    #expect {
      _ = try directory.sideInputs.latest("limits", as: Limits.self)
    } throws: { error in
      (error as? SideInputError)?.code == .undecodable
        && (error as? SideInputError)?.description.hasPrefix("side input 'limits': the codec refused the value") == true
    }
    await #expect(throws: SideInputError.self) {
      var values = directory.sideInputs.watch("limits", as: Limits.self).makeAsyncIterator()
      _ = try await values.next()
    }
  }

  @Test func cancellingAWatchEndsIt() async throws {
    let directory = try SideInputDirectory()
    defer { directory.remove() }
    let clock = ManualClock()
    let watch = Task {
      var count = 0
      for try await _ in directory.sideInputs(clock: clock).watch("never") { count += 1 }
      return count
    }
    await clock.waitForSleepers()  // watching, between two looks
    watch.cancel()
    #expect(try await watch.value == 0)
  }
}
