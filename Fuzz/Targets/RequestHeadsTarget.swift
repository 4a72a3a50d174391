import NumaflowMapper
import NumaflowProtos
import NumaflowSourceTransformer
import SwiftProtobuf

extension FuzzTarget {
  /// The heads multiprocess mode reads of map and source transform requests (``WireFields``).
  /// The first byte picks the request type (even: `MapRequest`, odd: `SourceTransformRequest`);
  /// the rest is the request. Whatever SwiftProtobuf decodes, the head must read too and say
  /// the same of it: whether it carries a datum, its id, handshake (`sot`) and end of batch
  /// (`eot`; the head keeps no unknown fields of either, which SwiftProtobuf does). Bytes
  /// SwiftProtobuf refuses the head may read (it does not look inside the datum: the worker
  /// refuses those), or refuse with its own error.
  package static let requestHeads = FuzzTarget(name: "request-heads") { bytes in
    guard let first = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    if first % 2 == 0 {
      guard let request = try? Map_V1_MapRequest(serializedBytes: input) else {
        _ = try? input.withUnsafeBytes { try MapRequestHead($0) }
        return
      }
      let head = try input.withUnsafeBytes { try MapRequestHead($0) }
      try require(head.hasRequest == request.hasRequest, "map: the datum's presence differs")
      try require(head.id == request.id, "map: the id differs")
      try require(head.hasHandshake == request.hasHandshake, "map: the handshake's presence differs")
      try require(head.handshake.sot == request.handshake.sot, "map: the handshake differs")
      try require(head.hasStatus == request.hasStatus, "map: the status's presence differs")
      try require(head.status.eot == request.status.eot, "map: the status differs")
    } else {
      guard let request = try? Sourcetransformer_V1_SourceTransformRequest(serializedBytes: input) else {
        _ = try? input.withUnsafeBytes { try SourceTransformRequestHead($0) }
        return
      }
      let head = try input.withUnsafeBytes { try SourceTransformRequestHead($0) }
      try require(head.hasRequest == request.hasRequest, "transform: the datum's presence differs")
      try require(head.request.id == request.request.id, "transform: the id differs")
      try require(head.hasHandshake == request.hasHandshake, "transform: the handshake's presence differs")
      try require(head.handshake.sot == request.handshake.sot, "transform: the handshake differs")
    }
  }
}
