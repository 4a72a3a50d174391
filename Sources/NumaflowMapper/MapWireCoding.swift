import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
          message.handshake.sot = try Self.flag(in: bytes)
        case 4 where !message.hasStatus:  // { bool eot = 1; }
          message.status.eot = try Self.flag(in: bytes)
        default: throw NotHandDecodable()
        }
      }
      return true
    } catch {
      return false
    }
  }

  /// The one `bool` field (number 1) of a handshake or a transmission status.
  private static func flag(in bytes: UnsafeRawBufferPointer) throws -> Bool {
    var flag = false
    try WireFields.visit(bytes) { number, value in
      guard number == 1, case .varint(let bits) = value else { throw NotHandDecodable() }
      flag = bits != 0
    }
    return flag
  }
}

extension Map_V1_MapRequest.Request {
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, found in
      guard case .lengthDelimited(let bytes) = found else { throw NotHandDecodable() }
      switch number {
      case 1: keys.append(try WireFields.string(bytes))
      case 2: value = WireFields.data(bytes)
      case 3 where !hasEventTime: eventTime = try Google_Protobuf_Timestamp(handDecoding: bytes)
      case 4 where !hasWatermark: watermark = try Google_Protobuf_Timestamp(handDecoding: bytes)
      case 5:
        let (key, value) = try WireFields.mapEntry(bytes)
        headers[try WireFields.string(key)] = try WireFields.string(value)
      case 6 where !hasMetadata: metadata = try Metadata_Metadata(handDecoding: bytes)
      default: throw NotHandDecodable()
      }
    }
  }
}

extension Map_V1_MapResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = id.isEmpty ? 0 : WireWriter.size(ofField: 2, length: id.utf8.count)
    for result in results {
      guard let resultSize = result.handEncodedSize else { return nil }
      size += WireWriter.size(ofField: 1, length: resultSize)
    }
    if hasHandshake {
      guard handshake.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 3, length: Self.flagSize(handshake.sot))
    }
    if hasStatus {
      guard status.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 4, length: Self.flagSize(status.eot))
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    for result in results {
      writer.writeHeader(1, length: result.handEncodedSize!)  // sized before: not nil
      result.handEncode(into: &writer)
    }
    if !id.isEmpty { writer.write(2, id) }
    if hasHandshake {
      writer.writeHeader(3, length: Self.flagSize(handshake.sot))
      if handshake.sot { writer.write(1, varint: 1) }
    }
    if hasStatus {
      writer.writeHeader(4, length: Self.flagSize(status.eot))
      if status.eot { writer.write(1, varint: 1) }
    }
  }

  /// The size of a handshake or a transmission status: its `bool` field, when true.
  private static func flagSize(_ flag: Bool) -> Int {
    flag ? WireWriter.size(ofField: 1, varint: 1) : 0
  }
}

extension Map_V1_MapResponse.Result {
  /// Its size; `nil` with nack options (rare: SwiftProtobuf encodes those) or unknown fields.
  var handEncodedSize: Int? {
    guard !hasNackOptions, unknownFields.data.isEmpty else { return nil }
    var size = 0
    for key in keys { size += WireWriter.size(ofField: 1, length: key.utf8.count) }
    if !value.isEmpty { size += WireWriter.size(ofField: 2, length: value.count) }
    for tag in tags { size += WireWriter.size(ofField: 3, length: tag.utf8.count) }
    if hasMetadata {
      guard let metadataSize = metadata.handEncodedSize else { return nil }
      size += WireWriter.size(ofField: 4, length: metadataSize)
    }
    return size
  }

  func handEncode(into writer: inout WireWriter) {
    for key in keys { writer.write(1, key) }
    if !value.isEmpty { writer.write(2, value) }
    for tag in tags { writer.write(3, tag) }
    if hasMetadata {
      writer.writeHeader(4, length: metadata.handEncodedSize!)
      metadata.handEncode(into: &writer)
    }
  }
}
