import Foundation
import NumaflowMapper

/// One input record: `{"keys":[...],"value":"...","event_time":"...","headers":{...}}`, with
/// `value_base64` instead of `value` for binary payloads.
struct InputRecord: Decodable {
  var keys: [String]?
  var value: String?
  var value_base64: String?
  var event_time: String?
  var watermark: String?
  var headers: [String: String]?

  func datum(line: Int) throws -> Datum {
    let payload: Data
    switch (value, value_base64) {
    case (let text?, nil): payload = Data(text.utf8)
    case (nil, let encoded?):
      guard let decoded = Data(base64Encoded: encoded) else {
        throw ValidationFailure("line \(line): value_base64 is not valid base64")
      }
      payload = decoded
    case (nil, nil): payload = Data()
    case (_?, _?): throw ValidationFailure("line \(line): give either value or value_base64, not both")
    }
    return Datum(
      keys: keys ?? [],
      value: payload,
      eventTime: try event_time.map { try Self.date($0, line: line) } ?? Date(),
      watermark: try watermark.map { try Self.date($0, line: line) },
      headers: headers ?? [:]
    )
  }

  static func date(_ text: String, line: Int) throws -> Date {
    if let date = try? Date(text, strategy: .iso8601) { return date }
    if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
    throw ValidationFailure("line \(line): '\(text)' is not an RFC 3339 time such as 2026-01-02T03:04:05Z")
  }

  /// Reads a JSON-lines file (or standard input for "-"), skipping blank lines.
  static func read(_ path: String) throws -> [Datum] {
    let data: Data
    if path == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      guard let contents = FileManager.default.contents(atPath: path) else {
        throw ValidationFailure("cannot read the input file \(path)")
      }
      data = contents
    }
    var datums: [Datum] = []
    for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      guard line.contains(where: { !$0.isWhitespace }) else { continue }
      do {
        datums.append(try JSONDecoder().decode(InputRecord.self, from: line).datum(line: index + 1))
      } catch let error as ValidationFailure {
        throw error
      } catch {
        throw ValidationFailure("line \(index + 1): not a valid record (\(error))")
      }
    }
    return datums
  }
}

extension UInt8 {
  fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0D }
}

/// One output line: which input it came from, and the message.
struct OutputRecord: Encodable {
  var input: Int
  var keys: [String]
  var value: String?
  var value_base64: String?
  var tags: [String]
  var user_metadata: [String: [String: String]]?

  init(input: Int, message: Message) {
    self.input = input
    keys = message.keys
    tags = message.tags
    if let text = String(data: message.value, encoding: .utf8) {
      value = text
    } else {
      value_base64 = message.value.base64EncodedString()
    }
    if !message.userMetadata.isEmpty {
      user_metadata = message.userMetadata.groups.mapValues { $0.mapValues { $0.base64EncodedString() } }
    }
  }

  var line: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}
