import GRPCCore
import NIOCore
import SwiftProtobuf

/// A request the server process relays to a worker process as numa sent it: its bytes, and
/// what it is (handshake, end of batch, request by id), read from its head only, with every
/// other field skipped. Multiprocess mode decodes a request once, in the worker, instead of
/// three times (here, to re-encode it, and there).
///
/// Not generic on purpose: the stream loop touches it for every request, and a generic
/// instantiation looked up its type metadata each time (a tenth of the server process's CPU).
package struct RelayedRequest: Sendable {
  package typealias Kind = StreamShape<RelayedRequest, EncodedResponse>.Kind

  package var kind: Kind
  package var bytes: ByteBuffer

  package init(kind: Kind, bytes: ByteBuffer) {
    (self.kind, self.bytes) = (kind, bytes)
  }

  /// The request's id, for errors about it.
  package var id: String {
    switch kind {
    case .request(let id), .invalid(let id, _): id
    case .handshake, .endOfBatch: ""
    }
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

  /// How many times field `number` is encoded at the top level (the values of a repeated
  /// field), counted with ``WireFields`` instead of decoding the response, as far as it parses
  /// (a worker's responses always do).
  package func occurrences(ofField number: Int) -> Int {
    bytes.withUnsafeReadableBytes { bytes in
      var count = 0
      try? WireFields.visit(bytes) { found, _ in count += found == number ? 1 : 0 }
      return count
    }
  }
}

/// Reads a ``RelayedRequest`` off the wire: a copy of its bytes, and what its head says it is.
package struct RelayDeserializer: MessageDeserializer {
  /// Reads the head of the encoded request (with ``WireFields``) and classifies it.
  let classify: @Sendable (UnsafeRawBufferPointer) throws -> RelayedRequest.Kind

  package init(classify: @escaping @Sendable (UnsafeRawBufferPointer) throws -> RelayedRequest.Kind) {
    self.classify = classify
  }

  package func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> RelayedRequest {
    do {
      return try serializedMessageBytes.withUnsafeBytes { bytes in
        RelayedRequest(kind: try classify(bytes), bytes: ByteBuffer(bytes: bytes))
      }
    } catch {
      // As grpc-swift's own deserializer says it: the stream loops report it as unreadable input.
      throw RPCError(code: .invalidArgument, message: "Can't deserialize the request's head.", cause: error)
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
