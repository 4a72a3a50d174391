import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowServingStore
import SwiftProtobuf

extension InputRecord {
  /// Reads a JSON-lines file (or standard input for "-"), skipping blank lines.
  static func read(_ path: String) async throws -> [Fields] {
    try parse(try await InputFile.contents(of: path))
  }
}

/// One output line: which input it came from, and the message.
struct OutputRecord: Encodable {
  /// The sink vertex that wrote it (`pipeline run`), and which of its sinks when not the
  /// primary: `fallback` or `on_success`.
  var sink: String?
  var role: String?
  /// Which input record the message came from; a source's messages have none.
  var input: Int?
  /// A source message's offset (its bytes as text, or base64) and partition.
  var offset: String?
  var partition: Int32?
  /// A sink response's status (`ok`, `failure`, `fallback`, `serve`, `on_success`, `nack`),
  /// its failure reason, and its nack options.
  var status: String?
  var error: String?
  var nack: NackLine?
  /// The window a reduce result is for.
  var window: WindowLine?
  /// A serving store get's id and what it returned.
  var id: String?
  var payloads: [PayloadLine]?
  var keys: [String]?
  var value: String?
  var value_base64: String?
  var tags: [String]?
  var event_time: String?
  var headers: [String: String]?
  var user_metadata: [String: [String: String]]?
  /// Whether numaflow-dev nacked the source message instead of acking it.
  var nacked: Bool?

  init(
    input: Int?, value: Data, keys: [String], tags: [String]?, userMetadata: MessageMetadata, eventTime: Date? = nil
  ) {
    self.input = input
    self.keys = keys
    self.tags = tags
    setValue(value)
    event_time = eventTime.map(Self.rfc3339)
    setUserMetadata(userMetadata)
  }

  /// A line with only its input index; the rest is set by the caller.
  init(input: Int) {
    self.input = input
  }

  mutating func setValue(_ value: Data) {
    if let text = String(data: value, encoding: .utf8) {
      self.value = text
    } else {
      value_base64 = value.base64EncodedString()
    }
  }

  mutating func setUserMetadata(_ userMetadata: MessageMetadata) {
    if !userMetadata.isEmpty {
      user_metadata = userMetadata.groups.mapValues { $0.mapValues { $0.base64EncodedString() } }
    }
  }

  /// A window's bounds, in RFC 3339.
  struct WindowLine: Encodable {
    var start: String
    var end: String

    init(_ window: Window) {
      start = OutputRecord.rfc3339(window.start)
      end = OutputRecord.rfc3339(window.end)
    }
  }

  /// One payload a serving store returned.
  struct PayloadLine: Encodable {
    var origin: String
    var value: String?
    var value_base64: String?

    init(_ payload: Payload) {
      origin = payload.origin
      if let text = String(data: payload.value, encoding: .utf8) {
        value = text
      } else {
        value_base64 = payload.value.base64EncodedString()
      }
    }
  }

  /// A sink response's nack options.
  struct NackLine: Encodable {
    var reason: String?
    var max_deliveries: UInt32?
    var delay_ms: Int64?
    var values: [String: String]?
  }

  /// RFC 3339 in UTC with as many fractional digits as the time has, to the microsecond.
  static func rfc3339(_ date: Date) -> String {
    // The same rounding as on the wire, so what is printed is what numa reads.
    let timestamp = Google_Protobuf_Timestamp(roundingToMicroseconds: date)
    let seconds = timestamp.seconds
    let fraction = Int(timestamp.nanos / 1000)
    let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(
      .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    guard fraction > 0 else { return whole }
    var digits = String(fraction)
    digits = String(repeating: "0", count: 6 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return whole.dropLast() + ".\(digits)Z"
  }

  var line: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}
