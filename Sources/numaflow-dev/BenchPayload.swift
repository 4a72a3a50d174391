import Foundation
import NumaflowCore
import NumaflowProtos

/// What a benchmark's requests carry (`numaflow-dev bench`).
struct BenchPayload: Sendable {
  /// Each message's value.
  var value: Data
  /// Whether the requests of the map kinds, the transformer and the sink carry what numa adds
  /// to every message it reads from its buffer (`rust/numaflow-core`, v1.8.3 and main): a
  /// watermark, the headers, metadata naming the previous vertex, and for a sink the retry
  /// count. Without it they carry a key, the value and an event time, as earlier results were
  /// measured.
  var numaShaped = false

  /// The datum of each request.
  var datum: Datum {
    let now = Date()
    guard numaShaped else { return Datum(keys: ["key"], value: value, eventTime: now) }
    return Datum(
      keys: ["key"], value: value, eventTime: now, watermark: now.addingTimeInterval(-0.001),
      headers: ["X-Numaflow-Id": "a1b2c3d4-0000", "content-type": "application/json"])
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
