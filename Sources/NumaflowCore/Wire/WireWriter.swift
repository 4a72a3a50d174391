#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes protobuf's wire format into a buffer sized beforehand: how a hand-encoded message
/// (``HandEncodedMessage``) writes itself. Only the wire format is known here (tags, varints,
/// lengths); which field is which is the message's.
///
/// ```swift
/// let id = "request-7"
/// var bytes = [UInt8](repeating: 0, count: WireWriter.size(ofField: 2, length: id.utf8.count))
/// bytes.withUnsafeMutableBytes { buffer in
///   var writer = WireWriter(buffer)
///   writer.write(2, id)  // field 2, a string
///   assert(writer.isFull)
/// }
/// ```
package struct WireWriter {
  private let buffer: UnsafeMutableRawBufferPointer
  private var offset = 0

  /// A writer that fills `buffer` from its start.
  package init(_ buffer: UnsafeMutableRawBufferPointer) {
    self.buffer = buffer
  }

  /// Whether every byte of the buffer has been written: a message that sized itself right
  /// fills it exactly.
  package var isFull: Bool { offset == buffer.count }

  // MARK: Writing

  /// Writes a varint.
  package mutating func write(varint value: UInt64) {
    var value = value
    while value >= 0x80 {
      append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    append(UInt8(value))
  }

  /// Writes field `number`'s tag for a length-delimited value (wire type 2), then `length`.
  package mutating func writeHeader(_ number: Int, length: Int) {
    write(varint: UInt64(number) << 3 | 2)
    write(varint: UInt64(length))
  }

  /// Writes field `number` as a varint (wire type 0): a bool, an enum or an integer.
  package mutating func write(_ number: Int, varint value: UInt64) {
    write(varint: UInt64(number) << 3)
    write(varint: value)
  }

  /// Writes field `number` as a message whose one `bool` field (number 1) is `flag` (a
  /// handshake, a transmission status): empty when it is false, as protobuf leaves it out.
  package mutating func write(_ number: Int, flag: Bool) {
    writeHeader(number, length: Self.size(ofFlag: flag))
    if flag { write(1, varint: 1) }
  }

  /// Writes field `number` as `text`'s UTF-8 bytes (a `string` field).
  package mutating func write(_ number: Int, _ text: String) {
    let written: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
      write(number, UnsafeRawBufferPointer(utf8))
    }
    if written == nil { Array(text.utf8).withUnsafeBytes { write(number, $0) } }
  }

  /// Writes field `number` as `bytes` (a `bytes` field).
  package mutating func write(_ number: Int, _ bytes: Data) {
    bytes.withUnsafeBytes { write(number, $0) }
  }

  /// Writes `entries` as the `map<string, string>` field `number` (a datum's headers): an
  /// entry per pair, in the dictionary's order, its key and its value both written even when
  /// empty, as SwiftProtobuf writes them.
  package mutating func write(_ number: Int, _ entries: [String: String]) {
    for (key, value) in entries {
      writeHeader(number, length: Self.size(ofEntry: key, value))
      write(1, key)
      write(2, value)
    }
  }

  private mutating func write(_ number: Int, _ bytes: UnsafeRawBufferPointer) {
    writeHeader(number, length: bytes.count)
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    precondition(buffer.count - offset >= bytes.count, overflow)
    (buffer.baseAddress! + offset).copyMemory(from: source, byteCount: bytes.count)
    offset += bytes.count
  }

  private mutating func append(_ byte: UInt8) {
    // Checked in release builds too: a message that sized itself wrong must stop here, not
    // write past the buffer.
    precondition(offset < buffer.count, overflow)
    buffer[offset] = byte
    offset += 1
  }

  private var overflow: String { "a hand-encoded message wrote more bytes than it sized" }

  // MARK: Sizing

  /// How many bytes `value` takes as a varint.
  package static func size(ofVarint value: UInt64) -> Int {
    // One byte per started group of seven bits; zero takes one byte.
    (64 - value.leadingZeroBitCount + 6) / 7 + (value == 0 ? 1 : 0)
  }

  /// How many bytes field `number` takes with a length-delimited value of `length` bytes.
  package static func size(ofField number: Int, length: Int) -> Int {
    size(ofVarint: UInt64(number) << 3) + size(ofVarint: UInt64(length)) + length
  }

  /// How many bytes a message whose one `bool` field is `flag` takes (see ``write(_:flag:)``).
  package static func size(ofFlag flag: Bool) -> Int {
    flag ? size(ofField: 1, varint: 1) : 0
  }

  /// How many bytes the `map<string, string>` field `number` takes with `entries` (see
  /// ``write(_:_:)-(Int,[String:String])``).
  package static func size(ofField number: Int, _ entries: [String: String]) -> Int {
    var total = 0
    for (key, value) in entries { total += size(ofField: number, length: size(ofEntry: key, value)) }
    return total
  }

  /// How many bytes a `map<string, string>` entry's key and value take.
  private static func size(ofEntry key: String, _ value: String) -> Int {
    size(ofField: 1, length: key.utf8.count) + size(ofField: 2, length: value.utf8.count)
  }

  /// How many bytes field `number` takes as the varint `value`.
  package static func size(ofField number: Int, varint value: UInt64) -> Int {
    size(ofVarint: UInt64(number) << 3) + size(ofVarint: value)
  }
}
