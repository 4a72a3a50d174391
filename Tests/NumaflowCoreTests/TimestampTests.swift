import Foundation
import SwiftProtobuf
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
    let timestamp = Google_Protobuf_Timestamp(roundingToMicroseconds: Date(timeIntervalSince1970: seconds))
    #expect(timestamp.seconds == expected)
    #expect(timestamp.nanos == 0)
  }
}
