import Foundation
import NumaflowCore
import NumaflowServingStore
import SwiftProtobuf

/// One input record: `{"keys":[...],"value":"...","event_time":"...","headers":{...}}`, with
/// `value_base64` instead of `value` for binary payloads.
struct InputRecord: Decodable {
  var keys: [String]?
  var value: String?
  var value_base64: String?
  var event_time: String?
  var watermark: String?
  var headers: [String: String]?

  /// A record's fields, checked: what every kind builds its datum from.
  struct Fields: Sendable {
    var keys: [String]
    var value: Data
    var eventTime: Date
    var watermark: Date?
    var headers: [String: String]
  }

  func fields(line: Int) throws -> Fields {
    Fields(
      keys: keys ?? [],
      value: try Self.payload(value: value, base64: value_base64, line: line),
      eventTime: try event_time.map { try Self.date($0, line: line) } ?? Date(),
      watermark: try watermark.map { try Self.date($0, line: line) },
      headers: headers ?? [:]
    )
  }

  /// The bytes of a line's `value` (UTF-8 text) or `value_base64`; none when neither is given.
  static func payload(value: String?, base64: String?, line: Int) throws -> Data {
    switch (value, base64) {
    case (let text?, nil): return Data(text.utf8)
    case (nil, let encoded?):
      guard let decoded = Data(base64Encoded: encoded) else {
        throw ValidationFailure("line \(line): value_base64 is not valid base64")
      }
      return decoded
    case (nil, nil): return Data()
    case (_?, _?): throw ValidationFailure("line \(line): give either value or value_base64, not both")
    }
  }

  static func date(_ text: String, line: Int) throws -> Date {
    if let date = try? Date(text, strategy: .iso8601) { return date }
    if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
    throw ValidationFailure("line \(line): '\(text)' is not an RFC 3339 time such as 2026-01-02T03:04:05Z")
  }

  /// Reads a JSON-lines file (or standard input for "-"), skipping blank lines.
  static func read(_ path: String) async throws -> [Fields] {
    let data = try await InputFile.contents(of: path)
    var records: [Fields] = []
    for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      guard line.contains(where: { !$0.isWhitespace }) else { continue }
      do {
        records.append(try JSONDecoder().decode(InputRecord.self, from: line).fields(line: index + 1))
      } catch let error as ValidationFailure {
        throw error
      } catch {
        throw ValidationFailure("line \(index + 1): not a valid record (\(error))")
      }
    }
    return records
  }
}

extension UInt8 {
  fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0D }
}

/// One output line: which input it came from, and the message.
struct OutputRecord: Encodable {
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
