import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The messages nested in many kinds' requests and responses (timestamps, metadata), decoded and
// encoded by hand for their ``HandDecodedMessage`` and ``HandEncodedMessage``. A decoder throws
// ``NotHandDecodable`` (or ``WireFields/Malformed``) at a shape it does not cover, and the
// request's decoder gives up.

extension Google_Protobuf_Timestamp: HandEncodedPart {
  /// Decodes a timestamp by hand (see ``HandDecodedMessage``).
  package init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      switch (number, value) {
      case (1, .varint(let bits)): seconds = Int64(bitPattern: bits)
      case (2, .varint(let bits)): nanos = Int32(truncatingIfNeeded: bits)
      default: throw NotHandDecodable()
      }
    }
  }

  /// The size of its encoding (see ``HandEncodedMessage``); `nil` with unknown fields.
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    return (seconds == 0 ? 0 : WireWriter.size(ofField: 1, varint: UInt64(bitPattern: seconds)))
      + (nanos == 0 ? 0 : WireWriter.size(ofField: 2, varint: UInt64(bitPattern: Int64(nanos))))
  }

  /// Writes its encoding (see ``HandEncodedMessage``).
  package func handEncode(into writer: inout WireWriter) {
    if seconds != 0 { writer.write(1, varint: UInt64(bitPattern: seconds)) }
    if nanos != 0 { writer.write(2, varint: UInt64(bitPattern: Int64(nanos))) }
  }
}

extension Metadata_Metadata: HandEncodedPart {
  /// Decodes a message's metadata by hand (see ``HandDecodedMessage``).
  package init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
      switch number {
      case 1: previousVertex = try WireFields.string(bytes)
      case 2: try Self.decodeGroup(bytes, into: &sysMetadata)
      case 3: try Self.decodeGroup(bytes, into: &userMetadata)
      default: throw NotHandDecodable()
      }
    }
  }

  private static func decodeGroup(
    _ entry: UnsafeRawBufferPointer, into groups: inout [String: Metadata_KeyValueGroup]
  ) throws {
    let (key, value) = try WireFields.mapEntry(entry)
    var group = Metadata_KeyValueGroup()
    try WireFields.visit(value) { number, value in
      guard number == 1, case .lengthDelimited(let pair) = value else { throw NotHandDecodable() }
      let (key, value) = try WireFields.mapEntry(pair)
      group.keyValue[try WireFields.string(key)] = WireFields.data(value)
    }
    groups[try WireFields.string(key)] = group
  }

  /// The size of its encoding (see ``HandEncodedMessage``); `nil` with unknown fields.
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    guard let system = Self.size(of: sysMetadata, as: 2), let user = Self.size(of: userMetadata, as: 3) else {
      return nil
    }
    return (previousVertex.isEmpty ? 0 : WireWriter.size(ofField: 1, length: previousVertex.utf8.count)) + system + user
  }

  private static func size(of groups: [String: Metadata_KeyValueGroup], as number: Int) -> Int? {
    var size = 0
    for (key, group) in groups {
      guard let groupSize = group.handEncodedSize else { return nil }
      size += WireWriter.size(ofField: number, length: entrySize(key, valueSize: groupSize))
    }
    return size
  }

  /// Writes its encoding (see ``HandEncodedMessage``).
  package func handEncode(into writer: inout WireWriter) {
    if !previousVertex.isEmpty { writer.write(1, previousVertex) }
    Self.encode(sysMetadata, as: 2, into: &writer)
    Self.encode(userMetadata, as: 3, into: &writer)
  }

  private static func encode(
    _ groups: [String: Metadata_KeyValueGroup], as number: Int, into writer: inout WireWriter
  ) {
    for (key, group) in groups {
      writer.writeHeader(number, length: entrySize(key, valueSize: group.handEncodedSize!))  // sized before
      writer.write(1, key)
      writer.write(group, as: 2)
    }
  }

  /// A map entry's size: its key and its value, both written (as SwiftProtobuf writes them).
  static func entrySize(_ key: String, valueSize: Int) -> Int {
    WireWriter.size(ofField: 1, length: key.utf8.count) + WireWriter.size(ofField: 2, length: valueSize)
  }
}

extension Metadata_KeyValueGroup: HandEncodedPart {
  /// The size of its encoding; `nil` with unknown fields.
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    return keyValue.reduce(0) { size, pair in
      size + WireWriter.size(ofField: 1, length: Metadata_Metadata.entrySize(pair.key, valueSize: pair.value.count))
    }
  }

  package func handEncode(into writer: inout WireWriter) {
    for (key, value) in keyValue {
      writer.writeHeader(1, length: Metadata_Metadata.entrySize(key, valueSize: value.count))
      writer.write(1, key)
      writer.write(2, value)
    }
  }
}
