import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// What multiprocess mode's server process reads of a `SourceTransformFn` request before
/// relaying its bytes to a worker (``NumaflowCore/RelayedRequest``): the fields of
/// `sourcetransformer.v1.SourceTransformRequest` that say what the request is, read with
/// ``NumaflowCore/WireFields`` (field numbers as in `Protos/sourcetransform/v1/sourcetransform.proto`,
/// the same at numa v1.8.3 and on main). Of the datum only its id is read.
package struct SourceTransformRequestHead: SourceTransformRequestFields {
  /// The datum's id, the one field of the datum the stream reads.
  package struct Request: SourceTransformDatumID {
    package var id = ""
  }

  package var request = Request()
  package var hasRequest = false
  package var hasHandshake = false
  private var sot = false

  package var handshake: Sourcetransformer_V1_Handshake { .with { $0.sot = sot } }

  /// Reads the head of the encoded request in `bytes`.
  /// - Throws: ``NumaflowCore/WireFields/Malformed`` when the bytes are no `SourceTransformRequest`.
  package init(_ bytes: UnsafeRawBufferPointer) throws {
    try WireFields.visit(bytes) { number, value in
      switch (number, value) {
      case (1, .lengthDelimited(let datum)):  // request { ... string id = 6; ... }
        hasRequest = true
        try WireFields.visit(datum) { field, value in
          if field == 6, case .lengthDelimited(let text) = value { request.id = try WireFields.string(text) }
        }
      case (2, .lengthDelimited(let message)):  // handshake { bool sot = 1; }
        hasHandshake = true
        sot = try WireFields.bool(1, in: message, merging: sot)
      default:  // another field, or one of these with a wire type it cannot have: skipped
        break
      }
    }
  }
}
