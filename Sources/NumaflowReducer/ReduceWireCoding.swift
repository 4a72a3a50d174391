import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

// A reducer's requests and responses, decoded and encoded by hand (see
// ``NumaflowCore/HandDecodedMessage``): field numbers as in `Protos/reduce/v1/reduce.proto`, the
// same at numa v1.8.3 and on main. A request per message is the hot path (a datum, its
// operation and its window); responses are few (a result per key group, and the EOF), encoded
// by hand too so that one set of properties holds the kind's codecs to SwiftProtobuf (a result
// by the core's `HandEncodedResult`, shared with the session reducer).

extension Reduce_V1_ReduceRequest: HandDecodedMessage {
  package static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool {
    WireFields.handDecodeWindowRequest(
      bytes, payload: { message.payload = try Payload(handDecoding: $0) },
      operation: { message.operation = try WindowOperation(handDecoding: $0) })
  }
}

extension Reduce_V1_ReduceRequest.WindowOperation {
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      switch (number, value) {
      case (1, .varint(let bits)):
        guard let read = Event(rawValue: WireFields.enumValue(bits)) else { throw NotHandDecodable() }
        event = read
      case (2, .lengthDelimited(let window)): windows.append(try Reduce_V1_Window(handDecoding: window))
      default: throw NotHandDecodable()
      }
    }
  }
}

extension Reduce_V1_Window: HandEncodedPart {
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
      switch number {
      case 1 where !hasStart: start = try Google_Protobuf_Timestamp(handDecoding: bytes)
      case 2 where !hasEnd: end = try Google_Protobuf_Timestamp(handDecoding: bytes)
      case 3: slot = try WireFields.string(bytes)
      default: throw NotHandDecodable()
      }
    }
  }

  /// Its size; `nil` with unknown fields.
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = slot.isEmpty ? 0 : WireWriter.size(ofField: 3, length: slot.utf8.count)
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

  package func handEncode(into writer: inout WireWriter) {
    if hasStart { writer.write(start, as: 1) }
    if hasEnd { writer.write(end, as: 2) }
    if !slot.isEmpty { writer.write(3, slot) }
  }
}

extension Reduce_V1_ReduceResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = eof ? WireWriter.size(ofField: 3, varint: 1) : 0
    if hasResult {
      guard let resultSize = WireWriter.size(of: result, as: 1) else { return nil }
      size += resultSize
    }
    if hasWindow {
      guard let windowSize = WireWriter.size(of: window, as: 2) else { return nil }
      size += windowSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    if hasResult { writer.write(result, as: 1) }
    if hasWindow { writer.write(window, as: 2) }
    if eof { writer.write(3, varint: 1) }
  }
}
