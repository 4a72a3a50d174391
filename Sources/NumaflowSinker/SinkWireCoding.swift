import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

// A sink's requests and responses on the hot path, decoded and encoded by hand (see
// ``NumaflowCore/HandDecodedMessage``): field numbers as in `Protos/sink/v1/sink.proto`, the
// same at numa v1.8.3 and on main, where numa fills every field of the datum
// (`rust/numaflow-core/src/sinker/sink/user_defined.rs`).

extension Sink_V1_SinkRequest: HandDecodedMessage {
  package static func handDecode(_ bytes: UnsafeRawBufferPointer, into message: inout Self) -> Bool {
    do {
      try WireFields.visit(bytes) { number, value in
        guard case .lengthDelimited(let bytes) = value else { throw NotHandDecodable() }
        switch number {
        case 1 where !message.hasRequest: message.request = try Request(handDecoding: bytes)
        case 2 where !message.hasStatus:  // { bool eot = 1; }
          message.status.eot = try WireFields.flag(in: bytes)
        case 3 where !message.hasHandshake:  // { bool sot = 1; }
          message.handshake.sot = try WireFields.flag(in: bytes)
        default: throw NotHandDecodable()
        }
      }
      return true
    } catch {
      return false
    }
  }
}

/// A request is also written by hand, by a multiprocess server process to its workers.
extension Sink_V1_SinkRequest: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = 0
    if hasRequest {
      guard let requestSize = WireWriter.size(of: request, as: 1) else { return nil }
      size += requestSize
    }
    if hasStatus {
      guard status.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 2, length: WireWriter.size(ofFlag: status.eot))
    }
    if hasHandshake {
      guard handshake.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 3, length: WireWriter.size(ofFlag: handshake.sot))
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    if hasRequest { writer.write(request, as: 1) }
    if hasStatus { writer.write(2, flag: status.eot) }
    if hasHandshake { writer.write(3, flag: handshake.sot) }
  }
}

extension Sink_V1_SinkRequest.Request {
  /// Decodes a sink's datum by hand, its id at 5 (see `HandDecodedDatums.swift` in the core).
  init(handDecoding bytes: UnsafeRawBufferPointer) throws {
    try self.init(handDecoding: bytes) { datum, number, bytes in
      guard number == 5 else { return false }
      datum.id = try WireFields.string(bytes)
      return true
    }
  }
}

extension Sink_V1_SinkResponse: HandEncodedMessage {
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty, var size = WireWriter.size(of: results, as: 1) else { return nil }
    if hasHandshake {
      guard handshake.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 2, length: WireWriter.size(ofFlag: handshake.sot))
    }
    if hasStatus {
      guard status.unknownFields.data.isEmpty else { return nil }
      size += WireWriter.size(ofField: 3, length: WireWriter.size(ofFlag: status.eot))
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    writer.write(results, as: 1)
    if hasHandshake { writer.write(2, flag: handshake.sot) }
    if hasStatus { writer.write(3, flag: status.eot) }
  }
}

/// A result is a part of a response and, between a worker and the server process, a message of
/// its own (the worker's answer to a batch is its results).
extension Sink_V1_SinkResponse.Result: HandEncodedMessage, HandEncodedPart {
  /// Its size; `nil` with nack options (rare: SwiftProtobuf encodes those) or unknown fields.
  package var handEncodedSize: Int? {
    guard !hasNackOptions, unknownFields.data.isEmpty else { return nil }
    var size = id.isEmpty ? 0 : WireWriter.size(ofField: 1, length: id.utf8.count)
    if status != .success { size += WireWriter.size(ofField: 2, varint: statusBits) }
    if !errMsg.isEmpty { size += WireWriter.size(ofField: 3, length: errMsg.utf8.count) }
    if hasServeResponse { size += WireWriter.size(ofField: 4, length: serveResponse.count) }
    if hasOnSuccessMsg {
      guard let messageSize = WireWriter.size(of: onSuccessMsg, as: 5) else { return nil }
      size += messageSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    if !id.isEmpty { writer.write(1, id) }
    if status != .success { writer.write(2, varint: statusBits) }
    if !errMsg.isEmpty { writer.write(3, errMsg) }
    if hasServeResponse { writer.write(4, serveResponse) }  // optional: written when set, even empty
    if hasOnSuccessMsg { writer.write(onSuccessMsg, as: 5) }
  }

  /// The status as protobuf writes an enum: its value's 64 bits, sign-extended.
  private var statusBits: UInt64 { UInt64(bitPattern: Int64(status.rawValue)) }
}

extension Sink_V1_SinkResponse.Result.Message: HandEncodedPart {
  /// Its size; `nil` with unknown fields.
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = value.isEmpty ? 0 : WireWriter.size(ofField: 1, length: value.count)
    for key in keys { size += WireWriter.size(ofField: 2, length: key.utf8.count) }
    if hasMetadata {
      guard let metadataSize = WireWriter.size(of: metadata, as: 3) else { return nil }
      size += metadataSize
    }
    return size
  }

  package func handEncode(into writer: inout WireWriter) {
    if !value.isEmpty { writer.write(1, value) }
    for key in keys { writer.write(2, key) }
    if hasMetadata { writer.write(metadata, as: 3) }
  }
}
