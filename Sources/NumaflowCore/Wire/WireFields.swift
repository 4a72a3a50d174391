#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The top-level fields of an encoded protobuf message, visited one at a time without decoding
/// the message: how a relay reads a request's head (``RelayedRequest``), and how a hand decoder
/// reads a whole request (``HandDecodedMessage``), one nested message at a time. Only the wire
/// format is read here (field numbers, wire types, lengths); what a field means is the caller's.
///
/// Decoding even a head message with SwiftProtobuf walked the datum's own fields to skip them
/// and cost 3.6% of the multiprocess server process's CPU (map, 100 B, perf); visiting the
/// top-level fields costs a few comparisons each.
///
/// ```swift
/// var id = ""
/// try WireFields.visit(bytes) { number, value in
///   if number == 2, case .lengthDelimited(let text) = value { id = try WireFields.string(text) }
/// }
/// ```
package enum WireFields {
  /// A field's value, as far as the wire format tells it.
  package enum Value {
    /// A varint (wire type 0): integers, booleans, enums.
    case varint(UInt64)
    /// A length-delimited value (wire type 2): a string, bytes, an embedded message or a packed
    /// list, as the bytes that hold it.
    case lengthDelimited(UnsafeRawBufferPointer)
    /// A fixed-size value (wire types 1 and 5) or a group (3, a proto2 field numa does not
    /// send), skipped.
    case skipped
  }

  /// The bytes are not a protobuf message: a truncated value, a length past the end, a field
  /// number out of range, a group that does not end, or a wire type that does not exist.
  package struct Malformed: Error, CustomStringConvertible {
    package let description: String
  }

  /// Calls `body` with each top-level field of the message in `bytes`, in the order they are
  /// encoded (a field encoded twice is visited twice: in protobuf, the last value wins). A
  /// caller skips a field whose wire type its declaration does not allow, as protobuf's
  /// decoders do with an unknown field.
  package static func visit(
    _ bytes: UnsafeRawBufferPointer, _ body: (_ number: Int, _ value: Value) throws -> Void
  ) throws {
    var offset = 0
    while offset < bytes.count {
      let (number, wireType) = try tag(in: bytes, at: &offset)
      guard wireType != 4 else { throw Malformed(description: "group \(number) ends before it starts") }
      try body(number, try value(of: number, wireType, in: bytes, at: &offset, depth: 0))
    }
  }

  /// Reads a field's tag: its number and wire type.
  private static func tag(in bytes: UnsafeRawBufferPointer, at offset: inout Int) throws -> (Int, UInt64) {
    let tag = try varint(in: bytes, at: &offset)
    let number = tag >> 3
    guard number > 0, number <= 536_870_911 else {
      throw Malformed(description: "field number \(number) before byte \(offset) is out of range")
    }
    return (Int(number), tag & 7)
  }

  /// How deep groups may nest, as SwiftProtobuf bounds a message's nesting by default: a group
  /// costs two bytes, and unbounded nesting would let a request exhaust the stack.
  static let groupDepthLimit = 100

  /// Reads the value of field `number`, whose tag was just read, inside `depth` groups.
  private static func value(
    of number: Int, _ wireType: UInt64, in bytes: UnsafeRawBufferPointer, at offset: inout Int, depth: Int
  ) throws -> Value {
    switch wireType {
    case 0:
      return .varint(try varint(in: bytes, at: &offset))
    case 1, 5:
      let size = wireType == 1 ? 8 : 4
      guard bytes.count - offset >= size else { throw Malformed(description: "field \(number) ends after the message") }
      offset += size
      return .skipped
    case 2:
      let length = try varint(in: bytes, at: &offset)
      guard length <= UInt64(bytes.count - offset) else {
        throw Malformed(description: "field \(number) claims \(length) bytes; \(bytes.count - offset) are left")
      }
      let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
      offset += Int(length)
      return .lengthDelimited(value)
    case 3:
      // A group runs to the end-group tag of the same number; groups nest, each read here.
      guard depth < groupDepthLimit else {
        throw Malformed(description: "groups nest deeper than \(groupDepthLimit)")
      }
      while offset < bytes.count {
        let (inner, innerType) = try tag(in: bytes, at: &offset)
        if innerType == 4 {
          guard inner == number else { throw Malformed(description: "group \(number) ends as group \(inner)") }
          return .skipped
        }
        _ = try value(of: inner, innerType, in: bytes, at: &offset, depth: depth + 1)
      }
      throw Malformed(description: "group \(number) does not end")
    default:
      throw Malformed(description: "field \(number) has wire type \(wireType), which does not exist")
    }
  }

  /// The UTF-8 text of a `string` field.
  /// - Throws: ``Malformed`` when it is not UTF-8, as SwiftProtobuf rejects it.
  package static func string(_ bytes: UnsafeRawBufferPointer) throws -> String {
    // `String(validating:as:)` validates through the standard library's generic code, which
    // looks its encoding's types up at run time on every call. Decoding repairs bad UTF-8
    // instead, so text that reads back as other bytes than it came in was not UTF-8.
    var text = String(decoding: bytes, as: UTF8.self)
    let unchanged = text.withUTF8 { utf8 in
      utf8.count == bytes.count && (bytes.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
    }
    guard unchanged else { throw Malformed(description: "a string field is not UTF-8") }
    return text
  }

  /// The bytes of a `bytes` field.
  package static func data(_ bytes: UnsafeRawBufferPointer) -> Data {
    // Not `Data(bytes)`: Data's initializer from a sequence runs generic code for it.
    guard let start = bytes.baseAddress, !bytes.isEmpty else { return Data() }
    return Data(bytes: start, count: bytes.count)
  }

  /// The `bool` field `number` of the embedded message in `bytes`, merged into `value` as
  /// protobuf merges a message encoded twice: its last value here, or `value` when it is not
  /// here (or not a varint: such a field is skipped, as by SwiftProtobuf).
  /// - Throws: ``Malformed`` when the message does not parse.
  package static func bool(_ number: Int, in bytes: UnsafeRawBufferPointer, merging value: Bool = false) throws -> Bool
  {
    var value = value
    try visit(bytes) { field, found in
      if field == number, case .varint(let bits) = found { value = bits != 0 }
    }
    return value
  }

  private static func varint(in bytes: UnsafeRawBufferPointer, at offset: inout Int) throws -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while offset < bytes.count, shift < 64 {
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    throw Malformed(description: "a varint at byte \(offset) is cut short or longer than 10 bytes")
  }

  /// The one `bool` field (number 1) of a handshake or a transmission status, for a hand
  /// decoder: throws ``NotHandDecodable`` at any other field.
  package static func flag(in bytes: UnsafeRawBufferPointer) throws -> Bool {
    var flag = false
    try visit(bytes) { number, value in
      guard number == 1, case .varint(let bits) = value else { throw NotHandDecodable() }
      flag = bits != 0
    }
    return flag
  }

  /// An enum field's value as protobuf reads it: the varint's low 32 bits, as a signed number
  /// (a value the enum does not name is kept as such by the generated code).
  package static func enumValue(_ bits: UInt64) -> Int {
    Int(Int32(truncatingIfNeeded: bits))
  }

  /// Decodes by hand a windowed kind's request (reduce, session reduce, accumulator): a
  /// `payload = 1` and an `operation = 2`, each a message read by its closure, each at most
  /// once (a message encoded twice is merged by protobuf). `false`, for SwiftProtobuf to decode
  /// the request, at any other field or where a closure gives up.
  package static func handDecodeWindowRequest(
    _ bytes: UnsafeRawBufferPointer,
    payload: (UnsafeRawBufferPointer) throws -> Void,
    operation: (UnsafeRawBufferPointer) throws -> Void
  ) -> Bool {
    var (payloadRead, operationRead) = (false, false)
    do {
      try visit(bytes) { number, value in
        guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
        switch number {
        case 1 where !payloadRead:
          payloadRead = true
          try payload(bytes)
        case 2 where !operationRead:
          operationRead = true
          try operation(bytes)
        default: throw NotHandDecodable()
        }
      }
      return true
    } catch {
      return false
    }
  }

  /// The key and value of a map entry (`key = 1`, `value = 2`, both length-delimited: string
  /// keys, and string, bytes or message values), each empty when absent, as protobuf reads a
  /// missing field (prost leaves a default key or value out).
  package static func mapEntry(
    _ bytes: UnsafeRawBufferPointer
  ) throws -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
    var key: UnsafeRawBufferPointer?
    var value: UnsafeRawBufferPointer?
    try visit(bytes) { number, found in
      switch (number, found) {
      case (1, .lengthDelimited(let bytes)) where key == nil: key = bytes
      case (2, .lengthDelimited(let bytes)) where value == nil: value = bytes
      default: throw NotHandDecodable()
      }
    }
    let empty = UnsafeRawBufferPointer(start: nil, count: 0)
    return (key ?? empty, value ?? empty)
  }
}
