import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A windowed kind's result (`keys = 1`, `value = 2`, `tags = 3`, `metadata = 4`), as the
/// reducer's and the session reducer's protos both declare it: encoded by hand with one encoder
/// for both, `@inlinable` so that each kind's module specializes it (see
/// ``HandCodedKeyedWindow`` for why it is not pre-specialized here).
package protocol HandEncodedResult: HandEncodedPart {
  var keys: [String] { get }
  var value: Data { get }
  var tags: [String] { get }
  var metadata: Metadata_Metadata { get }
  var hasMetadata: Bool { get }
  var unknownFields: UnknownStorage { get }
}

extension Reduce_V1_ReduceResponse.Result: HandEncodedResult {}

extension Sessionreduce_V1_SessionReduceResponse.Result: HandEncodedResult {}

extension HandEncodedResult {
  /// Its size; `nil` with unknown fields.
  @inlinable
  package var handEncodedSize: Int? {
    guard unknownFields.data.isEmpty else { return nil }
    var size = 0
    for key in keys { size += WireWriter.size(ofField: 1, length: key.utf8.count) }
    if !value.isEmpty { size += WireWriter.size(ofField: 2, length: value.count) }
    for tag in tags { size += WireWriter.size(ofField: 3, length: tag.utf8.count) }
    if hasMetadata {
      guard let metadataSize = WireWriter.size(of: metadata, as: 4) else { return nil }
      size += metadataSize
    }
    return size
  }

  @inlinable
  package func handEncode(into writer: inout WireWriter) {
    for key in keys { writer.write(1, key) }
    if !value.isEmpty { writer.write(2, value) }
    for tag in tags { writer.write(3, tag) }
    if hasMetadata { writer.write(metadata, as: 4) }
  }
}
