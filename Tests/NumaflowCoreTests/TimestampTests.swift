import Foundation
import Logging
import SwiftProtobuf
import Synchronization
import Testing

@testable import NumaflowCore

@Suite struct TimestampTests {
  @Test func millisecondsSurviveTheTripThroughDouble() throws {
    let date = try Date("2021-12-31T23:59:59.999Z", strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    let timestamp = Google_Protobuf_Timestamp(roundingToMicroseconds: date)
    #expect(timestamp.seconds == 1_640_995_199)
    #expect(timestamp.nanos == 999_000_000)
  }

  @Test func thePlatformsUnknownTimeKeepsItsWireForm() {
    let timestamp = Google_Protobuf_Timestamp(roundingToMicroseconds: Date(timeIntervalSince1970: -0.001))
    #expect(timestamp.seconds == -1)
    #expect(timestamp.nanos == 999_000_000)
  }

  @Test(arguments: [
    (1e20, 253_402_300_799 as Int64), (-1e20, -62_135_596_800), (.infinity, 253_402_300_799),
    (-.infinity, -62_135_596_800), (.nan, 0),
  ])
  func aDateATimestampCannotHoldIsWrittenAsTheNearerEndOfItsRange(seconds: Double, expected: Int64) {
    let before = OutOfRangeTimes.process.count
    let timestamp = Google_Protobuf_Timestamp(roundingToMicroseconds: Date(timeIntervalSince1970: seconds))
    #expect(timestamp.seconds == expected)
    #expect(timestamp.nanos == 0)
    #expect(OutOfRangeTimes.process.count > before)
  }

  @Test(arguments: [
    (-62_135_596_800, true), (253_402_300_799, true), (0, true), (-62_135_596_800.001, false),
    (253_402_300_799.001, false), (Date.distantPast.timeIntervalSince1970, false), (1.765e12, false),
  ])
  func onlyTimesATimestampCannotHoldAreOutOfRange(seconds: Double, inRange: Bool) {
    #expect(Google_Protobuf_Timestamp.microseconds(of: Date(timeIntervalSince1970: seconds)).inRange == inRange)
  }

  @Test func theFirstOutOfRangeTimeIsLoggedOnceWithItsCode() {
    let lines = CapturedLines()
    let times = OutOfRangeTimes(logger: Logger(label: "test") { _ in lines })
    let milliseconds = Date(timeIntervalSince1970: 1_765_000_000_000)
    times.record(milliseconds, writtenAs: 253_402_300_799)
    times.record(milliseconds, writtenAs: 253_402_300_799)
    #expect(times.count == 2)
    let logged = lines.taken
    #expect(logged.count == 1)
    #expect(logged.first?.level == .warning)
    #expect(logged.first?.metadata["code"] == "event-time-out-of-range")
    #expect(logged.first?.metadata["written_as_seconds"] == "253402300799")
    #expect(logged.first?.message.contains("milliseconds given as seconds") == true)
  }
}

/// A log handler that keeps what is logged through it.
private struct CapturedLines: LogHandler {
  struct Line {
    let level: Logger.Level
    let message: String
    let metadata: Logger.Metadata
  }

  private final class Lines: Sendable {
    let all = Mutex<[Line]>([])
  }

  private let lines = Lines()
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .trace

  var taken: [Line] { lines.all.withLock { $0 } }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let line = Line(level: event.level, message: "\(event.message)", metadata: event.metadata ?? [:])
    lines.all.withLock { $0.append(line) }
  }
}
