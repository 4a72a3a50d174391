import NumaflowProtos
import SwiftProtobuf

/// A keyed window (`start = 1`, `end = 2`, `slot = 3`, `keys = 4`), as the session reducer's and
/// the accumulator's protos both declare it: decoded from their requests and encoded in their
/// responses by hand, with one decoder and one encoder for both.
///
/// Both conformances are declared here, in the core, and the shared code runs specialized for
/// each: generic code in the core called from a kind's module otherwise runs unspecialized, a
/// witness call per field (see `HandDecodedDatums.swift`). The decoder is pre-specialized here
/// for both types. The encoder is `@inlinable` instead, specialized in each kind's module:
/// pre-specialized for both types, its accessor and method got a symbol for the first type only
/// from Swift 6.3, and the release build failed to link (`make examples-as-images` checks every
/// example's). `Upstream/swift-specialize-package-witness` reduces it: a `package` witness that
/// calls a generic function, with another type conforming.
package protocol HandCodedKeyedWindow: HandEncodedPart {
  init()
  var start: Google_Protobuf_Timestamp { get set }
  var hasStart: Bool { get }
  var end: Google_Protobuf_Timestamp { get set }
  var hasEnd: Bool { get }
  var slot: String { get set }
  var keys: [String] { get set }
  var unknownFields: UnknownStorage { get }
}

extension Sessionreduce_V1_KeyedWindow: HandCodedKeyedWindow {}

extension Accumulator_V1_KeyedWindow: HandCodedKeyedWindow {}

extension HandCodedKeyedWindow {
  /// Decodes a keyed window by hand (see ``HandDecodedMessage``).
  /// - Throws: ``NotHandDecodable`` (or ``WireFields/Malformed``) where a hand decoder gives up.
  @_specialize(exported:true,where Self == Sessionreduce_V1_KeyedWindow)
  @_specialize(exported:true,where Self == Accumulator_V1_KeyedWindow)
  package init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
      switch number {
      case 1 where !hasStart: start = try Google_Protobuf_Timestamp(handDecoding: bytes)
      case 2 where !hasEnd: end = try Google_Protobuf_Timestamp(handDecoding: bytes)
      case 3: slot = try WireFields.string(bytes)
      case 4: keys.append(try WireFields.string(bytes))
      default: throw NotHandDecodable()  // a bound encoded twice (merged), or another field
      }
    }
  }

  /// Its size; `nil` with unknown fields.
  @inlinable
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = slot.isEmpty ? 0 : WireWriter.size(ofField: 3, length: slot.utf8.count)
    for key in keys { size += WireWriter.size(ofField: 4, length: key.utf8.count) }
    if hasStart {
      guard let startSize = WireWriter.size(of: start, as: 1) else { return nil }
      size += startSize
    }
    if hasEnd {
      guard let endSize = WireWriter.size(of: end, as: 2) else { return nil }
      size += endSize
    }
    return size
  }

  @inlinable
  package func handEncode(into writer: inout WireWriter) {
    if hasStart { writer.write(start, as: 1) }
    if hasEnd { writer.write(end, as: 2) }
    if !slot.isEmpty { writer.write(3, slot) }
    for key in keys { writer.write(4, key) }
  }
}
