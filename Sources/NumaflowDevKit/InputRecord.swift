import Foundation

/// One input record: `{"keys":[...],"value":"...","event_time":"...","headers":{...}}`, with
/// `value_base64` instead of `value` for binary payloads.
package struct InputRecord: Decodable {
  package var keys: [String]?
  package var value: String?
  package var value_base64: String?
  package var event_time: String?
  package var watermark: String?
  package var headers: [String: String]?

  /// A record's fields, checked: what every kind builds its datum from.
  package struct Fields: Sendable {
    package var keys: [String]
    package var value: Data
    package var eventTime: Date
    package var watermark: Date?
    package var headers: [String: String]
  }

  /// The fields, with `defaultEventTime` when the line gives none.
  package func fields(line: Int, defaultEventTime: Date = Date()) throws -> Fields {
    Fields(
      keys: keys ?? [],
      value: try Self.payload(value: value, base64: value_base64, line: line),
      eventTime: try event_time.map { try Self.date($0, line: line) } ?? defaultEventTime,
      watermark: try watermark.map { try Self.date($0, line: line) },
      headers: headers ?? [:]
    )
  }

  /// The bytes of a line's `value` (UTF-8 text) or `value_base64`; none when neither is given.
  package static func payload(value: String?, base64: String?, line: Int) throws -> Data {
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

  package static func date(_ text: String, line: Int) throws -> Date {
    if let date = try? Date(text, strategy: .iso8601) { return date }
    if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
    throw ValidationFailure("line \(line): '\(text)' is not an RFC 3339 time such as 2026-01-02T03:04:05Z")
  }

  /// The records of a JSON-lines text, skipping blank lines; an error names the first bad line.
  /// A record without an event time gets `defaultEventTime(index)`, its index among the
  /// records (now, by default).
  package static func parse(_ data: Data, defaultEventTime: (Int) -> Date = { _ in Date() }) throws -> [Fields] {
    var records: [Fields] = []
    for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      guard line.contains(where: { !$0.isWhitespace }) else { continue }
      do {
        records.append(
          try JSONDecoder().decode(InputRecord.self, from: line).fields(
            line: index + 1, defaultEventTime: defaultEventTime(records.count)))
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
