import GRPCCore
import GRPCProtobuf
import NIOCore
import SwiftProtobuf

/// A wire message that encodes itself by hand in the shapes a UDF sends all day, for the hot
/// path, and leaves any other shape to SwiftProtobuf.
///
/// SwiftProtobuf's generic encoder sizes and writes each nested message through generic code
/// that looks its field types up at run time: for a map response, 5% of an async server's CPU
/// (perf, map 100 B). A hand encoder writes the same bytes in field-number order, as
/// SwiftProtobuf does, so the two agree byte for byte (`WireCodingTests`, the `map-codec` fuzz
/// target).
package protocol HandEncodedMessage: SwiftProtobuf.Message {
  /// The size of this message's encoding, or `nil` when it holds a part the hand encoder does
  /// not cover (unknown fields, a rare option): SwiftProtobuf then encodes it.
  var handEncodedSize: Int? { get }

  /// Writes this message's encoding, of ``handEncodedSize`` bytes (only called when that is
  /// not `nil`).
  func handEncode(into writer: inout WireWriter)
}

/// A wire message that decodes itself by hand when numa sent it in a shape it knows, for the
/// hot path, and leaves any other bytes to SwiftProtobuf.
///
/// A hand decoder covers the fields numa sends, each once as protobuf allows; at anything
/// else (an unknown field, a field of the wrong wire type, a message field encoded twice, bytes
/// that do not parse, text that is not UTF-8) it gives up and SwiftProtobuf decodes the bytes
/// from the start, with its own semantics and errors. So the two never disagree on what a
/// request says (`WireCodingTests`, the `map-codec` fuzz target).
package protocol HandDecodedMessage: SwiftProtobuf.Message {
  /// Decodes `bytes` into `message` (a new, empty one), or returns `false` when they are not
  /// in a shape this decoder covers (`message` is then to be thrown away).
  static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool
}

/// Why a hand decoder gives up on bytes, for SwiftProtobuf to decode them instead.
package struct NotHandDecodable: Error {
  package init() {}
}

extension HandEncodedMessage {
  /// This message's encoding in a `ByteBuffer` (a worker's response).
  package func encodedBuffer() throws -> ByteBuffer {
    guard let size = handEncodedSize else { return (try serializedBytes() as ProtobufBuffer).buffer }
    var buffer = ByteBuffer()
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
      var writer = WireWriter(UnsafeMutableRawBufferPointer(rebasing: bytes[..<size]))
      handEncode(into: &writer)
      precondition(writer.isFull, "\(Self.protoMessageName) wrote fewer bytes than it sized")
      return size
    }
    return buffer
  }
}

extension HandDecodedMessage {
  /// The message in `bytes`: decoded by hand when they have a shape the hand decoder covers,
  /// else by SwiftProtobuf.
  /// - Throws: SwiftProtobuf's error when the bytes are not such a message.
  package static func decoded(from bytes: UnsafeRawBufferPointer) throws -> Self {
    var message = Self()
    if handDecode(bytes, into: &message) { return message }
    return try Self(serializedBytes: Array(bytes))
  }
}

/// grpc-swift's serializer for a ``HandEncodedMessage``: its hand encoding when it has one,
/// else SwiftProtobuf's, as `ProtobufSerializer` writes it.
package struct HandEncodingSerializer<Message: HandEncodedMessage>: MessageSerializer {
  package init() {}

  package func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
    guard let size = message.handEncodedSize else { return try ProtobufSerializer<Message>().serialize(message) }
    var bytes = Bytes(repeating: 0, count: size)
    bytes.withUnsafeMutableBytes { buffer in
      var writer = WireWriter(buffer)
      message.handEncode(into: &writer)
      precondition(writer.isFull, "\(Message.protoMessageName) wrote fewer bytes than it sized")
    }
    return bytes
  }
}

/// grpc-swift's deserializer for a ``HandDecodedMessage``: decoded by hand when the bytes have
/// a shape it covers, else by `ProtobufDeserializer`, with its error for bytes that are no
/// such message.
package struct HandDecodingDeserializer<Message: HandDecodedMessage>: MessageDeserializer {
  package init() {}

  package func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
    var message = Message()
    let decoded = serializedMessageBytes.withUnsafeBytes { Message.handDecode($0, into: &message) }
    if decoded { return message }
    return try ProtobufDeserializer<Message>().deserialize(serializedMessageBytes)
  }
}
