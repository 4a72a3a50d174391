import NIOCore
import SwiftProtobuf

/// How a kind's requests and responses cross the socket between the server process and its
/// workers. Kinds that offer multiprocess mode supply one; for wire messages it is
/// ``protobuf(requestID:)``. Bytes travel as `ByteBuffer`s: a frame's payload is decoded where
/// it was read, and an encoding becomes a frame's payload, without copies into arrays.
package struct WorkerCodec<Request: Sendable, Response: Sendable>: Sendable {
  package var encodeRequest: @Sendable (Request) throws -> ByteBuffer
  package var decodeRequest: @Sendable (ByteBuffer) throws -> Request
  package var encodeResponse: @Sendable (Response) throws -> ByteBuffer
  package var decodeResponse: @Sendable (ByteBuffer) throws -> Response
  /// The id of a request, for errors about requests a worker held.
  package var requestID: @Sendable (Request) -> String
}

extension WorkerCodec where Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message {
  /// Requests and responses travel as their protobuf encoding.
  package static func protobuf(requestID: @escaping @Sendable (Request) -> String) -> Self {
    WorkerCodec(
      encodeRequest: { (try $0.serializedBytes() as ProtobufBuffer).buffer },
      decodeRequest: { try Request(serializedBytes: ProtobufBuffer($0)) },
      encodeResponse: { (try $0.serializedBytes() as ProtobufBuffer).buffer },
      decodeResponse: { try Response(serializedBytes: ProtobufBuffer($0)) },
      requestID: requestID
    )
  }
}

extension WorkerCodec where Request: HandDecodedMessage, Response: HandEncodedMessage {
  /// Requests and responses travel as their protobuf encoding; a worker decodes requests and
  /// encodes responses with their hand codecs (``HandDecodedMessage``, ``HandEncodedMessage``).
  package static func handCoded(requestID: @escaping @Sendable (Request) -> String) -> Self {
    var codec = protobuf(requestID: requestID)
    codec.decodeRequest = { buffer in try buffer.withUnsafeReadableBytes { try Request.decoded(from: $0) } }
    codec.encodeResponse = { try $0.encodedBuffer() }
    return codec
  }
}

extension WorkerCodec {
  /// Batches travel as their messages' protobuf encodings, each after its length (4 bytes,
  /// big-endian). A batch is named in errors by its first and last request ids.
  package static func protobufBatches<Item: SwiftProtobuf.Message, Answer: SwiftProtobuf.Message>(
    requestID: @escaping @Sendable (Item) -> String
  ) -> Self where Request == [Item], Response == [Answer] {
    WorkerCodec(
      encodeRequest: { try LengthPrefixed.encode($0) },
      decodeRequest: { try LengthPrefixed.decode($0) },
      encodeResponse: { try LengthPrefixed.encode($0) },
      decodeResponse: { try LengthPrefixed.decode($0) },
      requestID: { batch in
        guard let first = batch.first.map(requestID), let last = batch.last.map(requestID) else {
          return "(empty batch)"
        }
        // The pool quotes the id: this reads 'first' … 'last'.
        return batch.count == 1 ? first : "\(first)' … '\(last)"
      }
    )
  }
}

extension WorkerCodec {
  /// Batches travel as ``protobufBatches(requestID:)`` says; the server process encodes a
  /// batch's messages, and a worker decodes them and encodes its answers, with their hand codecs
  /// (``HandDecodedMessage``, ``HandEncodedMessage``).
  package static func handCodedBatches<Item: HandDecodedMessage & HandEncodedMessage, Answer: HandEncodedMessage>(
    requestID: @escaping @Sendable (Item) -> String
  ) -> Self where Request == [Item], Response == [Answer] {
    var codec = protobufBatches(requestID: requestID) as Self
    codec.encodeRequest = { batch in try LengthPrefixed.encode(batch) { try $0.encodedBuffer() } }
    codec.decodeRequest = { buffer in
      try LengthPrefixed.decode(buffer) { message in
        try message.withUnsafeReadableBytes { try Item.decoded(from: $0) }
      }
    }
    codec.encodeResponse = { answers in try LengthPrefixed.encode(answers) { try $0.encodedBuffer() } }
    return codec
  }
}

/// A list of protobuf messages as one byte string: each message's length (4 bytes, big-endian),
/// then its encoding. Decoded messages are read from slices of the buffer, not copies.
package enum LengthPrefixed {
  package static func encode<M: SwiftProtobuf.Message>(_ messages: [M]) throws -> ByteBuffer {
    try encode(messages) { (try $0.serializedBytes() as ProtobufBuffer).buffer }
  }

  package static func decode<M: SwiftProtobuf.Message>(_ buffer: ByteBuffer) throws -> [M] {
    try decode(buffer) { try M(serializedBytes: ProtobufBuffer($0)) }
  }

  /// The same, each message encoded by `encoding`.
  package static func encode<M>(_ messages: [M], encoding: (M) throws -> ByteBuffer) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    for message in messages {
      let encoded = try encoding(message)
      buffer.writeInteger(UInt32(encoded.readableBytes))
      buffer.writeImmutableBuffer(encoded)
    }
    return buffer
  }

  /// The same, each message decoded by `decoding` from its slice of the buffer.
  package static func decode<M>(_ buffer: ByteBuffer, decoding: (ByteBuffer) throws -> M) throws -> [M] {
    var buffer = buffer
    var messages: [M] = []
    while buffer.readableBytes > 0 {
      guard let length = buffer.readInteger(as: UInt32.self) else {
        throw WorkerError(summary: "a batch frame ends inside a length prefix", details: "")
      }
      guard let encoded = buffer.readSlice(length: Int(length)) else {
        throw WorkerError(summary: "a batch frame ends inside a message", details: "")
      }
      messages.append(try decoding(encoded))
    }
    return messages
  }

  /// The same, from and to arrays (the fuzz target's bytes).
  package static func encode<M: SwiftProtobuf.Message>(_ messages: [M]) throws -> [UInt8] {
    Array(try encode(messages).readableBytesView)
  }

  package static func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8]) throws -> [M] {
    try decode(ByteBuffer(bytes: bytes))
  }
}
