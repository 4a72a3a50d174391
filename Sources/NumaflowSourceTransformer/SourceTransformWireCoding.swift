import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

// A transformer's requests and responses on the hot path, decoded and encoded by hand (see
// ``NumaflowCore/HandDecodedMessage``): field numbers as in
// `Protos/sourcetransform/v1/sourcetransform.proto`, the same at numa v1.8.3 and on main.

extension Sourcetransformer_V1_SourceTransformRequest: HandDecodedMessage {
  package static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool {
    do {
      try WireFields.visit(bytes) { number, value in
        guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
        switch number {
        case 1 where !message.hasRequest: message.request = try Request(handDecoding: bytes)
        case 2 where !message.hasHandshake:  // { bool sot = 1; }
          message.handshake.sot = try WireFields.flag(in: bytes)
        default: throw NotHandDecodable()
        }
      }
      return true
    } catch {
      return false
    }
  }
}

extension Sourcetransformer_V1_SourceTransformRequest.Request {
  /// Decodes a transformer's datum by hand, its id at 6 (see `HandDecodedDatums.swift` in the
  /// core).
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    try self.init(handDecoding: bytes) { datum, number, bytes in
      guard number == 6 else { return false }
      datum.id = try WireFields.string(bytes)
      return true
    }
  }
}

extension Sourcetransformer_V1_SourceTransformResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty, let resultsSize = WireWriter.size(of: results, as: 1) else { return nil }
    var size = resultsSize + (id.isEmpty ? 0 : WireWriter.size(ofField: 2, length: id.utf8.count))
    if hasHandshake {
      guard handshake.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 3, length: WireWriter.size(ofFlag: handshake.sot))
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    writer.write(results, as: 1)
    if !id.isEmpty { writer.write(2, id) }
    if hasHandshake { writer.write(3, flag: handshake.sot) }
  }
}

extension Sourcetransformer_V1_SourceTransformResponse.Result: HandEncodedPart {
  /// Its size; `nil` with nack options (rare: SwiftProtobuf encodes those) or unknown fields.
  package var handEncodedSize: Int? {
    guard !hasNackOptions, unknownFields.data.isEmpty else { return nil }
    var size = 0
    for key in keys { size += WireWriter.size(ofField: 1, length: key.utf8.count) }
    if !value.isEmpty { size += WireWriter.size(ofField: 2, length: value.count) }
    if hasEventTime {
      guard let timeSize = WireWriter.size(of: eventTime, as: 3) else { return nil }
      size += timeSize
    }
    for tag in tags { size += WireWriter.size(ofField: 4, length: tag.utf8.count) }
    if hasMetadata {
      guard let metadataSize = WireWriter.size(of: metadata, as: 5) else { return nil }
      size += metadataSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    for key in keys { writer.write(1, key) }
    if !value.isEmpty { writer.write(2, value) }
    if hasEventTime { writer.write(eventTime, as: 3) }
    for tag in tags { writer.write(4, tag) }
    if hasMetadata { writer.write(metadata, as: 5) }
  }
}
