import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

// The map kinds' requests and responses on the hot path, decoded and encoded by hand (see
// ``NumaflowCore/HandDecodedMessage``): field numbers as in `Protos/map/v1/map.proto`, the same
// at numa v1.8.3 and on main.

extension Map_V1_MapRequest: HandDecodedMessage {
  package static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool {
    do {
      try WireFields.visit(bytes) { number, value in
        guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
        switch number {
        case 1 where !message.hasRequest: message.request = try Request(handDecoding: bytes)
        case 2: message.id = try WireFields.string(bytes)
        case 3 where !message.hasHandshake:  // { bool sot = 1; }
          message.handshake.sot = try WireFields.flag(in: bytes)
        case 4 where !message.hasStatus:  // { bool eot = 1; }
          message.status.eot = try WireFields.flag(in: bytes)
        default: throw NotHandDecodable()
        }
      }
      return true
    } catch {
      return false
    }
  }
}

extension Map_V1_MapResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty, let resultsSize = WireWriter.size(of: results, as: 1) else { return nil }
    var size = resultsSize + (id.isEmpty ? 0 : WireWriter.size(ofField: 2, length: id.utf8.count))
    if hasHandshake {
      guard handshake.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 3, length: WireWriter.size(ofFlag: handshake.sot))
    }
    if hasStatus {
      guard status.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 4, length: WireWriter.size(ofFlag: status.eot))
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    writer.write(results, as: 1)
    if !id.isEmpty { writer.write(2, id) }
    if hasHandshake { writer.write(3, flag: handshake.sot) }
    if hasStatus { writer.write(4, flag: status.eot) }
  }
}

extension Map_V1_MapResponse.Result: HandEncodedPart {
  /// Its size; `nil` with nack options (rare: SwiftProtobuf encodes those) or unknown fields.
  package var handEncodedSize: Int? {
    guard !hasNackOptions, unknownFields.data.isEmpty else { return nil }
    var size = 0
    for key in keys { size += WireWriter.size(ofField: 1, length: key.utf8.count) }
    if !value.isEmpty { size += WireWriter.size(ofField: 2, length: value.count) }
    for tag in tags { size += WireWriter.size(ofField: 3, length: tag.utf8.count) }
    if hasMetadata {
      guard let metadataSize = WireWriter.size(of: metadata, as: 4) else { return nil }
      size += metadataSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    for key in keys { writer.write(1, key) }
    if !value.isEmpty { writer.write(2, value) }
    for tag in tags { writer.write(3, tag) }
    if hasMetadata { writer.write(metadata, as: 4) }
  }
}
