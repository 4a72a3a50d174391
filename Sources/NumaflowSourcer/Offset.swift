import NumaflowCore
import NumaflowProtos

/// Where a message sits in its source: opaque bytes the source chooses, and a partition. numa
/// hands offsets back exactly as they were read, to ``Sourcer/ack(_:)`` and
/// ``Sourcer/nack(_:options:)``.
///
/// ```swift
/// Offset("42")                          // the text "42" on this replica's partition
/// Offset(Data([0, 1]), partitionID: 3)
/// ```
public struct Offset: Sendable, Hashable, CustomStringConvertible {
  /// The offset's bytes; numa requires at least one.
  public var value: Data
  /// The partition it belongs to (numa reads it as a 16-bit index).
  public var partitionID: Int32

  public init(_ value: Data, partitionID: Int32 = Partitions.replica) {
    self.value = value
    self.partitionID = partitionID
  }

  /// An offset whose bytes are `text` in UTF-8.
  public init(_ text: String, partitionID: Int32 = Partitions.replica) {
    self.init(Data(text.utf8), partitionID: partitionID)
  }

  /// The offset's bytes as UTF-8 text, when they are.
  public var text: String? { String(data: value, encoding: .utf8) }

  public var description: String { "\(text ?? value.base64EncodedString())@\(partitionID)" }

  package init(_ wire: Source_V1_Offset) {
    self.init(wire.offset, partitionID: wire.partitionID)
  }

  package var wire: Source_V1_Offset {
    var offset = Source_V1_Offset()
    offset.offset = value
    offset.partitionID = partitionID
    return offset
  }
}

/// The partitions a source reads.
public enum Partitions {
  /// This replica's index, `NUMAFLOW_REPLICA` (0 when unset): the partition a source reads by
  /// default, as the other SDKs do.
  public static let replica: Int32 = ProcessInfo.processInfo.environment["NUMAFLOW_REPLICA"].flatMap(Int32.init) ?? 0
}
