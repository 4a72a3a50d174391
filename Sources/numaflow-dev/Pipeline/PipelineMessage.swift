import Foundation
import NumaflowCore

/// A message on its way between two vertices, as numa carries it in an inter-step buffer.
struct PipelineMessage: Sendable {
  var keys: [String]
  var value: Data
  var eventTime: Date
  /// The watermark of the source batch it was read in (numa's `generate_and_publish_source_watermark`).
  var watermark: Date
  var headers: [String: String] = [:]
  var tags: [String] = []
  var userMetadata = MessageMetadata()
  /// The source message it came from: what numa acks or nacks once the message is written on.
  var origin: Origin

  /// A source message: which source vertex, its place among that source's reads, and what
  /// `--input` line it was, if any.
  struct Origin: Sendable, Hashable {
    var source: String
    var sequence: Int
    var inputLine: Int?
  }

  /// The datum a UDF receives for this message.
  var datum: Datum {
    Datum(
      keys: keys, value: value, eventTime: eventTime, watermark: watermark, headers: headers,
      userMetadata: userMetadata)
  }

  /// This message, changed into an output of a UDF: keys, value, tags and user metadata are the
  /// UDF's; the event time, watermark, headers and origin stay.
  func output(value: Data, keys: [String], tags: [String], userMetadata: MessageMetadata) -> PipelineMessage {
    var output = self
    (output.value, output.keys, output.tags, output.userMetadata) = (value, keys, tags, userMetadata)
    return output
  }

  var isDrop: Bool { tags.contains(Tags.drop) }
  var isNack: Bool { tags.contains(Tags.nack) }
}

/// What one vertex did in a run: the table `pipeline run` prints at the end.
struct VertexCounts: Sendable {
  var read = 0
  var written = 0
  var dropped = 0
  var late = 0
  var acked = 0
  var nacked = 0
  var failed = 0
  var retried = 0
  var windowsClosed = 0
  var fallback = 0
  var onSuccess = 0

  static let columns = [
    "read", "written", "dropped", "late", "acked", "nacked", "failed", "retried", "windows", "fallback", "on-success",
  ]
  var row: [Int] { [read, written, dropped, late, acked, nacked, failed, retried, windowsClosed, fallback, onSuccess] }

  /// The table, one row per vertex in `order`, with a column only where some vertex has a count.
  static func table(_ counts: [String: VertexCounts], order: [String]) -> [String] {
    let rows = order.map { ($0, counts[$0, default: VertexCounts()].row) }
    let shown = columns.indices.filter { column in column < 2 || rows.contains { $0.1[column] != 0 } }
    let nameWidth = max(6, order.map(\.count).max() ?? 0)
    func pad(_ text: String, _ width: Int) -> String {
      String(repeating: " ", count: max(0, width - text.count)) + text
    }
    var lines = [
      "vertex".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + shown.map { pad(columns[$0], 11) }.joined()
    ]
    for (name, row) in rows {
      lines.append(
        name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + shown.map { pad(String(row[$0]), 11) }.joined()
      )
    }
    return lines
  }
}
