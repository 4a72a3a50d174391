import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

// A session reducer's requests and responses, decoded and encoded by hand (see
// ``NumaflowCore/HandDecodedMessage``): field numbers as in
// `Protos/sessionreduce/v1/sessionreduce.proto`, the same at numa v1.8.3 and on main. A request
// per message is the hot path (a datum, its operation and its keyed window); responses are few
// (a result per session, an EOF per closed session), encoded by hand too so that one set of
// properties holds the kind's codecs to SwiftProtobuf. The datum, the keyed window and the
// result are the core's (`HandDecodedDatum`, `HandCodedKeyedWindow`, `HandEncodedResult`).

extension Sessionreduce_V1_SessionReduceRequest: HandDecodedMessage {
  package static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool {
    WireFields.handDecodeWindowRequest(
      bytes, payload: { message.payload = try Payload(handDecoding: $0) },
      operation: { message.operation = try WindowOperation(handDecoding: $0) })
  }
}

extension Sessionreduce_V1_SessionReduceRequest.WindowOperation {
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      switch (number, value) {
      case (1, .varint(let bits)):
        guard let read = Event(rawValue: WireFields.enumValue(bits)) else { throw NotHandDecodable() }
        event = read
      case (2, .lengthDelimited(let window)):
        keyedWindows.append(try Sessionreduce_V1_KeyedWindow(handDecoding: window))
      default: throw NotHandDecodable()
      }
    }
  }
}

extension Sessionreduce_V1_SessionReduceResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = eof ? WireWriter.size(ofField: 3, varint: 1) : 0
    if hasResult {
      guard let resultSize = WireWriter.size(of: result, as: 1) else { return nil }
      size += resultSize
    }
    if hasKeyedWindow {
      guard let windowSize = WireWriter.size(of: keyedWindow, as: 2) else { return nil }
      size += windowSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    if hasResult { writer.write(result, as: 1) }
    if hasKeyedWindow { writer.write(keyedWindow, as: 2) }
    if eof { writer.write(3, varint: 1) }
  }
}
