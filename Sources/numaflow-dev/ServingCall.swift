import ArgumentParser
import Foundation
import NumaflowDevKit
import NumaflowServingStore

/// One line of `run serving` input: a put, as numa's sink makes it, or a get, as numa's
/// serving server makes it.
///
///     {"put": "r1", "payloads": [{"origin": "out", "value": "result"}]}
///     {"get": "r1"}
enum ServingCall: Sendable {
  case put(id: String, payloads: [Payload])
  case get(id: String)

  private struct Line: Decodable {
    struct PayloadLine: Decodable {
      var origin: String?
      var value: String?
      var value_base64: String?
    }

    var put: String?
    var payloads: [PayloadLine]?
    var get: String?
  }

  /// Reads a JSON-lines file (or standard input for "-"), skipping blank lines.
  static func read(_ path: String) async throws -> [ServingCall] {
    let data = try await InputFile.contents(of: path)
    var calls: [ServingCall] = []
    for (index, text) in data.split(separator: UInt8(ascii: "\n")).enumerated()
    where text.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
      let number = index + 1
      guard let line = try? JSONDecoder().decode(Line.self, from: text) else {
        throw ValidationFailure("line \(number): not a JSON object with \"put\" or \"get\"")
      }
      switch (line.put, line.get) {
      case (let id?, nil):
        calls.append(.put(id: id, payloads: try (line.payloads ?? []).map { try payload($0, line: number) }))
      case (nil, let id?):
        calls.append(.get(id: id))
      default:
        throw ValidationFailure("line \(number): give either \"put\" (with \"payloads\") or \"get\"")
      }
    }
    return calls
  }

  private static func payload(_ line: Line.PayloadLine, line number: Int) throws -> Payload {
    Payload(
      origin: line.origin ?? "",
      value: try InputRecord.payload(value: line.value, base64: line.value_base64, line: number))
  }
}
