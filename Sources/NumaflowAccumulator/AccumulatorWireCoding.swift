import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

// An accumulator's requests and responses, decoded and encoded by hand (see
// ``NumaflowCore/HandDecodedMessage``): field numbers as in
// `Protos/accumulator/v1/accumulator.proto`, the same at numa v1.8.3 and on main. Both ways are
// the hot path: numa sends a request per message (a datum with its id, its operation and its
// keyed window), and an accumulator writes its datums back, a response per message. The datum's
// decoder and encoder and the keyed window are the core's (`HandDecodedDatum`,
// `HandEncodedIdentifiedDatum`, `HandCodedKeyedWindow`).

extension Accumulator_V1_AccumulatorRequest: HandDecodedMessage {
  package static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool {
    WireFields.handDecodeWindowRequest(
      bytes, payload: { message.payload = try Accumulator_V1_Payload(handDecoding: $0) },
      operation: { message.operation = try WindowOperation(handDecoding: $0) })
  }
}

extension Accumulator_V1_AccumulatorRequest.WindowOperation {
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    self.init()
    try WireFields.visit(bytes) { number, value in
      switch (number, value) {
      case (1, .varint(let bits)):
        guard let read = Event(rawValue: WireFields.enumValue(bits)) else { throw NotHandDecodable() }
        event = read
      case (2, .lengthDelimited(let window)) where !hasKeyedWindow:
        keyedWindow = try Accumulator_V1_KeyedWindow(handDecoding: window)
      default: throw NotHandDecodable()  // the window encoded twice (merged), or another field
      }
    }
  }
}

extension Accumulator_V1_Payload {
  /// Decodes an accumulator's datum by hand, its id at 5 (see `HandDecodedDatums.swift` in the
  /// core).
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    try self.init(handDecoding: bytes) { datum, number, bytes in
      guard number == 5 else { return false }
      datum.id = try WireFields.string(bytes)
      return true
    }
  }
}

extension Accumulator_V1_AccumulatorResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = eof ? WireWriter.size(ofField: 4, varint: 1) : 0
    for tag in tags { size += WireWriter.size(ofField: 3, length: tag.utf8.count) }
    if hasPayload {
      guard let payloadSize = WireWriter.size(of: payload, as: 1) else { return nil }
      size += payloadSize
    }
    if hasWindow {
      guard let windowSize = WireWriter.size(of: window, as: 2) else { return nil }
      size += windowSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    if hasPayload { writer.write(payload, as: 1) }
    if hasWindow { writer.write(window, as: 2) }
    for tag in tags { writer.write(3, tag) }
    if eof { writer.write(4, varint: 1) }
  }
}
