import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// What multiprocess mode's server process reads of a `MapFn` request before relaying its bytes
/// to a worker (``NumaflowCore/RelayedRequest``): the fields of `map.v1.MapRequest` that say what
/// the request is, read with ``NumaflowCore/WireFields`` (field numbers as in
/// `Protos/map/v1/map.proto`, the same at numa v1.8.3 and on main). The datum is not read.
package struct MapRequestHead: MapRequestFields {
  package var id = ""
  package var hasRequest = false
  package var hasHandshake = false
  package var hasStatus = false
  private var sot = false
  private var eot = false

  package var handshake: Map_V1_Handshake { .with { $0.sot = sot } }
  package var status: Map_V1_TransmissionStatus { .with { $0.eot = eot } }

  /// Reads the head of the encoded request in `bytes`.
  /// - Throws: ``NumaflowCore/WireFields/Malformed`` when the bytes are no `MapRequest`.
  package init(_ bytes: UnsafeRawBufferPointer) throws {
    try WireFields.visit(bytes) { number, value in
      switch (number, value) {
      case (1, .lengthDelimited):  // request
        hasRequest = true
      case (2, .lengthDelimited(let text)):  // id
        id = try WireFields.string(text)
      case (3, .lengthDelimited(let message)):  // handshake { bool sot = 1; }
        hasHandshake = true
        sot = try WireFields.bool(1, in: message, merging: sot)
      case (4, .lengthDelimited(let message)):  // status { bool eot = 1; }
        hasStatus = true
        eot = try WireFields.bool(1, in: message, merging: eot)
      default:  // another field, or one of these with a wire type it cannot have: skipped
        break
      }
    }
  }
}
