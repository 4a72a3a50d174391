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

extension WorkerCodec {
  /// Batches travel as their messages' protobuf encodings, each after its length (4 bytes,
  /// big-endian). A batch is named in errors by its first and last request ids.
  package static func protobufBatches<Item: SwiftProtobuf.Message, Answer: SwiftProtobuf.Message>(
    requestID: @escaping @Sendable (Item) -> String
  ) -> Self where Request == [Item], Response == [Answer] {
    WorkerCodec(
      encodeRequest: { ByteBuffer(bytes: try LengthPrefixed.encode($0)) },
      decodeRequest: { try LengthPrefixed.decode(Array($0.readableBytesView)) },
      encodeResponse: { ByteBuffer(bytes: try LengthPrefixed.encode($0)) },
      decodeResponse: { try LengthPrefixed.decode(Array($0.readableBytesView)) },
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

/// A list of protobuf messages as one byte string: each message's length (4 bytes, big-endian),
/// then its encoding.
package enum LengthPrefixed {
  package static func encode<M: SwiftProtobuf.Message>(_ messages: [M]) throws -> [UInt8] {
    var bytes: [UInt8] = []
    for message in messages {
      let encoded: [UInt8] = try message.serializedBytes()
      let length = UInt32(encoded.count)
      bytes.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) })
      bytes.append(contentsOf: encoded)
    }
    return bytes
  }

  package static func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8]) throws -> [M] {
    var messages: [M] = []
    var index = bytes.startIndex
    while index < bytes.endIndex {
      guard bytes.endIndex - index >= 4 else {
        throw WorkerError(summary: "a batch frame ends inside a length prefix", details: "")
      }
      let length = bytes[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
      index += 4
      guard bytes.endIndex - index >= length else {
        throw WorkerError(summary: "a batch frame ends inside a message", details: "")
      }
      messages.append(try M(serializedBytes: Array(bytes[index..<index + length])))
      index += length
    }
    return messages
  }
}
