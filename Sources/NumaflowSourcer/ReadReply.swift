import GRPCCore
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// What a `ReadFn` stream sends numa: the answer to its handshake, a message read, or the end
/// of a read.
///
/// A message is written to the wire straight from the ``Message`` the source wrote
/// (``ReadReplySerializer``), as `Source_V1_ReadResponse` would encode it, byte for byte
/// (`ReadReplyWireCodingTests`). Building that response first cost a storage object for it and
/// for each nested message, copies of every field into them, and SwiftProtobuf's generic
/// encoder; a source sends one per message read.
package enum ReadReply: Sendable {
  case handshake
  case message(Message)
  case endOfTransmission

  /// The response SwiftProtobuf would encode (for the generated service's `readFn`).
  package var wire: Source_V1_ReadResponse {
    var response = Source_V1_ReadResponse()
    switch self {
    case .handshake:
      response.handshake.sot = true
      response.status.eot = false
      response.status.code = .success
    case .message(let message):
      response.result.payload = message.value
      response.result.offset = message.offset.wire
      response.result.eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: message.eventTime)
      response.result.keys = message.keys
      response.result.headers = message.headers
      if !message.userMetadata.isEmpty { response.result.metadata.userMetadata = message.userMetadata.protoGroups }
      response.status.eot = false
    case .endOfTransmission:
      response.status.eot = true
      response.status.code = .success
    }
    return response
  }

  /// The payload bytes it carries, for the outbound queue's pacing.
  var payloadBytes: Int {
    if case .message(let message) = self { message.value.count } else { 0 }
  }
}

/// Writes a ``ReadReply`` in protobuf's wire format, as `ReadResponse` (`source.proto`): a
/// message's `result` (1), then the `status` (2), present and empty but for an EOT's `eot`, then
/// the handshake's `handshake` (3).
package struct ReadReplySerializer: MessageSerializer {
  package init() {}

  package func serialize<Bytes: GRPCContiguousBytes>(_ reply: ReadReply) throws -> Bytes {
    switch reply {
    case .handshake:
      let count =
        WireWriter.size(ofField: 2, length: 0) + WireWriter.size(ofField: 3, length: WireWriter.size(ofFlag: true))
      return Self.bytes(count: count) {
        $0.write(2, flag: false)
        $0.write(3, flag: true)
      }
    case .endOfTransmission:
      return Self.bytes(count: WireWriter.size(ofField: 2, length: WireWriter.size(ofFlag: true))) {
        $0.write(2, flag: true)
      }
    case .message(let message):
      let result = SizedResult(message)
      return Self.bytes(
        count: WireWriter.size(ofField: 1, length: result.size) + WireWriter.size(ofField: 2, length: 0)
      ) {
        $0.writeHeader(1, length: result.size)
        result.encode(into: &$0)
        $0.write(2, flag: false)
      }
    }
  }

  private static func bytes<Bytes: GRPCContiguousBytes>(count: Int, _ write: (inout WireWriter) -> Void) -> Bytes {
    var bytes = Bytes(repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { buffer in
      var writer = WireWriter(buffer)
      write(&writer)
      precondition(writer.isFull, "a source's read reply wrote fewer bytes than it sized")
    }
    return bytes
  }
}

/// A ``Message`` as `ReadResponse.Result`'s fields, sized once: `payload` (1), `offset` (2),
/// `event_time` (3), `keys` (4), `headers` (5), and `metadata` (6) when the message has user
/// metadata.
private struct SizedResult {
  let message: Message
  let eventTime: Google_Protobuf_Timestamp
  let metadata: Metadata_Metadata?
  let offsetSize: Int
  let size: Int

  init(_ message: Message) {
    self.message = message
    eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: message.eventTime)
    metadata =
      message.userMetadata.isEmpty ? nil : Metadata_Metadata.with { $0.userMetadata = message.userMetadata.protoGroups }
    let offset = message.offset
    offsetSize =
      (offset.value.isEmpty ? 0 : WireWriter.size(ofField: 1, length: offset.value.count))
      + (offset.partitionID == 0 ? 0 : WireWriter.size(ofField: 2, varint: Self.varint(offset.partitionID)))
    var size = message.value.isEmpty ? 0 : WireWriter.size(ofField: 1, length: message.value.count)
    size += WireWriter.size(ofField: 2, length: offsetSize)
    // Built here, neither has unknown fields: both size themselves.
    size += WireWriter.size(ofField: 3, length: eventTime.handEncodedSize ?? 0)
    for key in message.keys { size += WireWriter.size(ofField: 4, length: key.utf8.count) }
    size += WireWriter.size(ofField: 5, message.headers)
    if let metadata { size += WireWriter.size(ofField: 6, length: metadata.handEncodedSize ?? 0) }
    self.size = size
  }

  func encode(into writer: inout WireWriter) {
    if !message.value.isEmpty { writer.write(1, message.value) }
    writer.writeHeader(2, length: offsetSize)
    if !message.offset.value.isEmpty { writer.write(1, message.offset.value) }
    if message.offset.partitionID != 0 { writer.write(2, varint: Self.varint(message.offset.partitionID)) }
    writer.write(eventTime, as: 3)
    for key in message.keys { writer.write(4, key) }
    writer.write(5, message.headers)
    if let metadata { writer.write(metadata, as: 6) }
  }

  /// An `int32` as protobuf writes it: a negative one sign-extended to ten bytes.
  private static func varint(_ value: Int32) -> UInt64 { UInt64(bitPattern: Int64(value)) }
}
