import SwiftProtobuf

/// How a kind's requests and responses cross the socket between the server process and its
/// workers. Kinds that offer multiprocess mode supply one; for wire messages it is
/// ``protobuf(requestID:)``.
package struct WorkerCodec<Request: Sendable, Response: Sendable>: Sendable {
  package var encodeRequest: @Sendable (Request) throws -> [UInt8]
  package var decodeRequest: @Sendable ([UInt8]) throws -> Request
  package var encodeResponse: @Sendable (Response) throws -> [UInt8]
  package var decodeResponse: @Sendable ([UInt8]) throws -> Response
  /// The id of a request, for errors about requests a worker held.
  package var requestID: @Sendable (Request) -> String
}

extension WorkerCodec where Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message {
  /// Requests and responses travel as their protobuf encoding.
  package static func protobuf(requestID: @escaping @Sendable (Request) -> String) -> Self {
    WorkerCodec(
      encodeRequest: { try $0.serializedBytes() },
      decodeRequest: { try Request(serializedBytes: $0) },
      encodeResponse: { try $0.serializedBytes() },
      decodeResponse: { try Response(serializedBytes: $0) },
      requestID: requestID
    )
  }
}
