import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// Where an accumulator writes its outputs, whenever it likes (see the core's `OutputWriter`).
/// Each output goes out with the key's window, whose end is the latest watermark written so far.
public typealias MessageWriter = OutputWriter<Message>

/// One key's outputs and how far they have got: the window every response carries ends at the
/// latest watermark an output carried.
final class KeyProgress: Sendable {
  private let keys: [String]
  private let latest = Mutex(Google_Protobuf_Timestamp(seconds: -1, nanos: 999_000_000))

  init(keys: [String]) {
    self.keys = keys
  }

  /// A writer that sends each output with the window as far as it has got.
  func writer(through outbound: OutboundQueue<Accumulator_V1_AccumulatorResponse>) -> MessageWriter {
    MessageWriter { message in
      var response = Accumulator_V1_AccumulatorResponse()
      response.payload = message.payload
      response.tags = message.tags
      response.window = self.advance(to: response.payload)
      try await outbound.send(response)
    }
  }

  /// The window as far as the outputs have got.
  var window: Accumulator_V1_KeyedWindow { Self.window(end: latest.withLock { $0 }, keys: keys) }

  private func advance(to payload: Accumulator_V1_Payload) -> Accumulator_V1_KeyedWindow {
    let end = latest.withLock { latest in
      if payload.hasWatermark, Self.isLater(payload.watermark, than: latest) { latest = payload.watermark }
      return latest
    }
    return Self.window(end: end, keys: keys)
  }

  private static func window(end: Google_Protobuf_Timestamp, keys: [String]) -> Accumulator_V1_KeyedWindow {
    var window = Accumulator_V1_KeyedWindow()
    window.start = Google_Protobuf_Timestamp(seconds: 0, nanos: 0)
    window.end = end
    window.slot = "slot-0"
    window.keys = keys
    return window
  }

  private static func isLater(_ lhs: Google_Protobuf_Timestamp, than rhs: Google_Protobuf_Timestamp) -> Bool {
    (lhs.seconds, lhs.nanos) > (rhs.seconds, rhs.nanos)
  }
}
