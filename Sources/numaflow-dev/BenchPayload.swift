import Foundation
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// What a benchmark's requests carry (`numaflow-dev bench`).
struct BenchPayload: Sendable {
  /// Each message's value.
  var value: Data
  /// Whether the requests carry what numa adds to every message it reads from its buffer
  /// (`rust/numaflow-core`, v1.8.3 and main): a watermark, the headers, metadata naming the
  /// previous vertex, and for a sink the retry count. Without it they carry keys, the value and
  /// an event time (and an accumulator's a watermark), as earlier results were measured.
  var numaShaped = false

  /// The datum of each request.
  var datum: Datum {
    let now = Date()
    guard numaShaped else { return Datum(keys: ["key"], value: value, eventTime: now) }
    return Datum(
      keys: ["key"], value: value, eventTime: now, watermark: now.addingTimeInterval(-0.001), headers: Self.headers)
  }

  /// The headers of a numa-shaped message.
  private static let headers = ["X-Numaflow-Id": "a1b2c3d4-0000", "content-type": "application/json"]

  /// `payload` as numa sends it when numa-shaped, for the windowed kinds, whose drives set their
  /// own keys and event times: the headers, the previous vertex, and a watermark just behind
  /// the event time unless it has one.
  func shaped<Payload: WirePayload>(payload: Payload) -> Payload {
    guard numaShaped else { return payload }
    var payload = payload
    if !payload.hasWatermark {
      payload.watermark = Google_Protobuf_Timestamp(date: payload.eventTime.date.addingTimeInterval(-0.001))
    }
    payload.headers = Self.headers
    payload.metadata.previousVertex = "in"
    return payload
  }

  /// `request` with the previous vertex in its metadata when numa-shaped (a datum has no place
  /// for it).
  func shaped<Request: WireDatumRequest>(_ request: Request) -> Request {
    guard numaShaped else { return request }
    var request = request
    request.request.metadata.previousVertex = "in"
    return request
  }
}
