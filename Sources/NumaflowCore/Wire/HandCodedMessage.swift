import GRPCCore
import GRPCProtobuf
import NIOCore
import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A wire message that encodes itself by hand in the shapes a UDF sends all day, for the hot
/// path, and leaves any other shape to SwiftProtobuf.
///
/// SwiftProtobuf's generic encoder sizes and writes each nested message through generic code
/// that looks its field types up at run time: for a map response, 5% of an async server's CPU
/// (perf, map 100 B). A hand encoder writes the same bytes in field-number order, as
/// SwiftProtobuf does, so the two agree byte for byte (`HandCodecProperties` in the tests, the
/// `hand-codecs` fuzz target).
package protocol HandEncodedMessage: SwiftProtobuf.Message {
  /// The size of this message's encoding, or `nil` when it holds a part the hand encoder does
  /// not cover (unknown fields, a rare option): SwiftProtobuf then encodes it.
  var handEncodedSize: Int? { get }

  /// Writes this message's encoding, of ``handEncodedSize`` bytes (only called when that is
  /// not `nil`).
  func handEncode(into writer: inout WireWriter)
}

/// A message nested in a ``HandEncodedMessage`` (a result, a timestamp, metadata), which sizes
/// and writes itself the same way, written with `WireWriter.write(_:as:)`.
package protocol HandEncodedPart {
  /// The size of its encoding, or `nil` when the hand encoder does not cover it.
  var handEncodedSize: Int? { get }
  /// Writes its encoding (only called when ``handEncodedSize`` is not `nil`).
  func handEncode(into writer: inout WireWriter)
}

extension WireWriter {
  /// The size of `part` as the message field `number`, or `nil` when it is not covered.
  @inlinable
  package static func size(of part: some HandEncodedPart, as number: Int) -> Int? {
    part.handEncodedSize.map { size(ofField: number, length: $0) }
  }

  /// The size of `parts` as the repeated message field `number`, or `nil` when one of them is
  /// not covered.
  @inlinable
  package static func size(of parts: [some HandEncodedPart], as number: Int) -> Int? {
    var total = 0
    for part in parts {
      guard let size = size(of: part, as: number) else { return nil }
      total += size
    }
    return total
  }

  /// Writes `part` as the message field `number` (sized before: covered).
  @inlinable
  package mutating func write(_ part: some HandEncodedPart, as number: Int) {
    writeHeader(number, length: part.handEncodedSize!)
    part.handEncode(into: &self)
  }

  /// Writes each of `parts` as the repeated message field `number` (sized before: covered).
  @inlinable
  package mutating func write(_ parts: [some HandEncodedPart], as number: Int) {
    for part in parts { write(part, as: number) }
  }
}

/// A wire message that decodes itself by hand when numa sent it in a shape it knows, for the
/// hot path, and leaves any other bytes to SwiftProtobuf.
///
/// A hand decoder covers the fields numa sends, each once as protobuf allows; at anything
/// else (an unknown field, a field of the wrong wire type, a message field encoded twice, bytes
/// that do not parse, text that is not UTF-8) it gives up and SwiftProtobuf decodes the bytes
/// from the start, with its own semantics and errors. So the two never disagree on what a
/// request says (`HandCodecProperties` in the tests, the `hand-codecs` fuzz target).
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

/// The fields every kind's datum shares (`keys = 1`, `value = 2`, `event_time = 3`,
/// `watermark = 4`, the headers and the metadata), for the kinds' hand decoders: one decoder,
/// ``init(handDecoding:decodingOther:)``, for every kind's datum.
package protocol HandDecodedDatum {
  /// The number of the `headers` field: 5 unless a kind says otherwise (a sink's and an
  /// accumulator's datum hold their id there, their headers at 6).
  static var headersField: Int { get }
  /// The number of the `metadata` field: 6 unless a kind says otherwise (7 where the datum holds
  /// its id at 6, or at 5 with its headers at 6).
  static var metadataField: Int { get }
  init()
  var keys: [String] { get set }
  var value: Data { get set }
  var eventTime: Google_Protobuf_Timestamp { get set }
  var hasEventTime: Bool { get }
  var watermark: Google_Protobuf_Timestamp { get set }
  var hasWatermark: Bool { get }
  var headers: [String: String] { get set }
  var metadata: Metadata_Metadata { get set }
  var hasMetadata: Bool { get }
}

extension HandDecodedDatum {
  package static var headersField: Int { 5 }
  package static var metadataField: Int { 6 }

  /// Decodes a datum by hand: the shared fields, the metadata, and any other field
  /// `decodeOther` reads (a kind's id), returning `false` for a field it does not know.
  /// - Throws: ``NotHandDecodable`` (or ``WireFields/Malformed``) where a hand decoder gives up.
  ///
  /// Specialized here for every kind's datum (`HandDecodedDatums.swift`): called generic from a
  /// kind's module, it made a witness call per field and looked types up at run time.
  @_specialize(exported:true,where Self == Map_V1_MapRequest.Request)
  @_specialize(exported:true,where Self == Sourcetransformer_V1_SourceTransformRequest.Request)
  @_specialize(exported:true,where Self == Sink_V1_SinkRequest.Request)
  @_specialize(exported:true,where Self == Reduce_V1_ReduceRequest.Payload)
  @_specialize(exported:true,where Self == Sessionreduce_V1_SessionReduceRequest.Payload)
  @_specialize(exported:true,where Self == Accumulator_V1_Payload)
  package init(
    handDecoding bytes: UnsafeRawBufferPointer,
    decodingOther decodeOther: (inout Self, Int, UnsafeRawBufferPointer) throws -> Bool = { _, _, _ in false }
  ) throws {
    self.init()
    try WireFields.visit(bytes) { number, found in
      guard case .lengthDelimited(let bytes) = found else { throw NotHandDecodable() }
      if try handDecodeSharedField(number, bytes) { return }
      if number == Self.metadataField {
        // A message field encoded twice: protobuf merges the two.
        guard !hasMetadata else { throw NotHandDecodable() }
        metadata = try Metadata_Metadata(handDecoding: bytes)
      } else if try !decodeOther(&self, number, bytes) {
        throw NotHandDecodable()
      }
    }
  }

  /// Decodes field `number` when it is one of the shared ones; `false` for another number.
  /// - Throws: ``NotHandDecodable`` (or ``WireFields/Malformed``) where a hand decoder gives up.
  @inlinable
  package mutating func handDecodeSharedField(_ number: Int, _ bytes: UnsafeRawBufferPointer) throws -> Bool {
    switch number {
    case 1: keys.append(try WireFields.string(bytes))
    case 2: value = WireFields.data(bytes)
    case 3 where !hasEventTime: eventTime = try Google_Protobuf_Timestamp(handDecoding: bytes)
    case 4 where !hasWatermark: watermark = try Google_Protobuf_Timestamp(handDecoding: bytes)
    case Self.headersField:
      let (key, value) = try WireFields.mapEntry(bytes)
      headers[try WireFields.string(key)] = try WireFields.string(value)
    case 3, 4: throw NotHandDecodable()  // a message field encoded twice: protobuf merges the two
    default: return false
    }
    return true
  }
}

extension RPCRouter {
  /// Registers a bidirectional stream whose messages are read and written with the hand codecs
  /// (``HandDecodingDeserializer``, ``HandEncodingSerializer``) instead of the generated code's
  /// `ProtobufDeserializer` and `ProtobufSerializer`.
  package mutating func registerHandCoded<Request: HandDecodedMessage, Response: HandEncodedMessage>(
    _ method: MethodDescriptor,
    handler:
      @escaping @Sendable (StreamingServerRequest<Request>, ServerContext) async throws
      -> StreamingServerResponse<Response>
  ) {
    registerHandler(
      forMethod: method, deserializer: HandDecodingDeserializer<Request>(),
      serializer: HandEncodingSerializer<Response>(), handler: handler)
  }

  /// Registers a kind's `IsReady`, answered with `Ready.ready`, beside a stream registered with
  /// ``registerHandCoded(_:handler:)`` (a service that registers its methods itself).
  package mutating func registerIsReady<Ready: ReadyResponse>(_ method: MethodDescriptor, answering _: Ready.Type) {
    registerHandler(
      forMethod: method, deserializer: ProtobufDeserializer<Google_Protobuf_Empty>(),
      serializer: ProtobufSerializer<Ready>()
    ) { _, _ in StreamingServerResponse(single: ServerResponse(message: Ready.ready)) }
  }
}
