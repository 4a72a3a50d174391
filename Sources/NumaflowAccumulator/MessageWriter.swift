import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where an ``Accumulator`` writes the outputs of one key combination.
///
/// Each output goes out with the window numa tracks the key by: from the epoch to the latest
/// watermark written so far, which tells numa how far it may clean up.
public final class MessageWriter: Sendable {
  private let keys: [String]
  private let outbound: OutboundQueue<Accumulator_V1_AccumulatorResponse>
  /// The latest watermark of the outputs written; numa's "unknown" (-1 ms) before any.
  private let latest = Mutex(Google_Protobuf_Timestamp(seconds: -1, nanos: 999_000_000))

  package init(keys: [String], outbound: OutboundQueue<Accumulator_V1_AccumulatorResponse>) {
    self.keys = keys
    self.outbound = outbound
  }

  /// Sends `message` to numa; suspends while numa is not reading.
  /// - Throws: when the stream to numa has ended.
  public func write(_ message: Message) async throws {
    let payload = message.payload
    let end = latest.withLock { latest in
      if payload.hasWatermark, Self.isLater(payload.watermark, than: latest) { latest = payload.watermark }
      return latest
    }
    var response = Accumulator_V1_AccumulatorResponse()
    response.payload = payload
    response.tags = message.tags
    response.window = Self.window(start: Google_Protobuf_Timestamp(seconds: 0, nanos: 0), end: end, keys: keys)
    try await outbound.send(response)
  }

  /// The window numa is told the key is done with when the stream ends without a CLOSE.
  package var progress: Accumulator_V1_KeyedWindow {
    Self.window(start: Google_Protobuf_Timestamp(seconds: 0, nanos: 0), end: latest.withLock { $0 }, keys: keys)
  }

  static func window(start: Google_Protobuf_Timestamp, end: Google_Protobuf_Timestamp, keys: [String])
    -> Accumulator_V1_KeyedWindow
  {
    var window = Accumulator_V1_KeyedWindow()
    window.start = start
    window.end = end
    window.slot = "slot-0"
    window.keys = keys
    return window
  }

  static func isLater(_ lhs: Google_Protobuf_Timestamp, than rhs: Google_Protobuf_Timestamp) -> Bool {
    (lhs.seconds, lhs.nanos) > (rhs.seconds, rhs.nanos)
  }
}
