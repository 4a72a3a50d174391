import NumaflowProtos
import SwiftProtobuf

/// A datum that carries its id (`keys = 1`, `value = 2`, `event_time = 3`, `watermark = 4`,
/// `id = 5`, `headers = 6`, `metadata = 7`), encoded by hand: what an accumulator writes back to
/// numa, a response per message, and what a multiprocess sink's server process writes to its
/// workers, a request per message. One encoder for both, `@inlinable` so that each kind's
/// module specializes it (see ``HandCodedKeyedWindow`` for why it is not pre-specialized here).
package protocol HandEncodedIdentifiedDatum: HandDecodedDatum, HandEncodedPart {
  var id: String { get }
  var unknownFields: UnknownStorage { get }
}

extension Accumulator_V1_Payload: HandEncodedIdentifiedDatum {}

extension Sink_V1_SinkRequest.Request: HandEncodedIdentifiedDatum {}

extension HandEncodedIdentifiedDatum {
  /// Its size; `nil` with unknown fields.
  @inlinable
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = WireWriter.size(ofField: 6, headers)
    for key in keys { size += WireWriter.size(ofField: 1, length: key.utf8.count) }
    if !value.isEmpty { size += WireWriter.size(ofField: 2, length: value.count) }
    if hasEventTime {
      guard let timeSize = WireWriter.size(of: eventTime, as: 3) else { return nil }
      size += timeSize
    }
    if hasWatermark {
      guard let watermarkSize = WireWriter.size(of: watermark, as: 4) else { return nil }
      size += watermarkSize
    }
    if !id.isEmpty { size += WireWriter.size(ofField: 5, length: id.utf8.count) }
    if hasMetadata {
      guard let metadataSize = WireWriter.size(of: metadata, as: 7) else { return nil }
      size += metadataSize
    }
    return size
  }

  @inlinable
  package func handEncode(into writer: inout WireWriter) {
    for key in keys { writer.write(1, key) }
    if !value.isEmpty { writer.write(2, value) }
    if hasEventTime { writer.write(eventTime, as: 3) }
    if hasWatermark { writer.write(watermark, as: 4) }
    if !id.isEmpty { writer.write(5, id) }
    writer.write(6, headers)
    if hasMetadata { writer.write(metadata, as: 7) }
  }
}
