import GRPCCore
import NIOCore
import SwiftProtobuf

/// A request the server process relays to a worker process as numa sent it: its bytes, and
/// its `Head`, the few fields the stream needs (handshake, end of batch, id), decoded with
/// every other field skipped. Multiprocess mode decodes a request once, in the worker, instead
/// of three times (here, to re-encode it, and there).
package struct RelayedRequest<Head: SwiftProtobuf.Message>: Sendable {
  package var head: Head
  package var bytes: ByteBuffer

  package init(head: Head, bytes: ByteBuffer) {
    (self.head, self.bytes) = (head, bytes)
  }
}

/// A response a worker process encoded, written to numa as it is.
package struct EncodedResponse: Sendable {
  package var bytes: ByteBuffer

  package init(bytes: ByteBuffer) { self.bytes = bytes }

  /// Its size in bytes.
  package var count: Int { bytes.readableBytes }

  package init(_ message: some SwiftProtobuf.Message) throws {
    bytes = (try message.serializedBytes() as ProtobufBuffer).buffer
  }
}

/// Reads a ``RelayedRequest`` off the wire: a copy of its bytes, and its head.
package struct RelayDeserializer<Head: SwiftProtobuf.Message>: MessageDeserializer {
  package init() {}

  package func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> RelayedRequest<Head> {
    let bytes = serializedMessageBytes.withUnsafeBytes { ByteBuffer(bytes: $0) }
    var options = BinaryDecodingOptions()
    options.discardUnknownFields = true
    do {
      return RelayedRequest(head: try Head(serializedBytes: ProtobufBuffer(bytes), options: options), bytes: bytes)
    } catch {
      // As grpc-swift's own deserializer says it: the stream loops report it as unreadable input.
      throw RPCError(
        code: .invalidArgument, message: "Can't deserialize to message of type \(Head.self).", cause: error)
    }
  }
}

/// Writes an ``EncodedResponse`` as it is.
package struct EncodedResponseSerializer: MessageSerializer {
  package init() {}

  package func serialize<Bytes: GRPCContiguousBytes>(_ message: EncodedResponse) throws -> Bytes {
    Bytes(message.bytes.readableBytesView)
  }
}

/// A `ByteBuffer` as SwiftProtobuf reads and writes bytes, so that neither side copies them
/// into an array first.
package struct ProtobufBuffer: SwiftProtobufContiguousBytes {
  package var buffer: ByteBuffer

  package init(_ buffer: ByteBuffer) { self.buffer = buffer }
  package init(repeating byte: UInt8, count: Int) { buffer = ByteBuffer(repeating: byte, count: count) }
  package init<S: Sequence>(_ sequence: S) where S.Element == UInt8 { buffer = ByteBuffer(bytes: sequence) }
  package var count: Int { buffer.readableBytes }

  package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try buffer.withUnsafeReadableBytes(body)
  }

  package mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    try buffer.withUnsafeMutableReadableBytes(body)
  }
}
