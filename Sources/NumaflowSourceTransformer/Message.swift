import Foundation
import NumaflowProtos
import SwiftProtobuf

/// One output of a source transformer. It always has an event time.
///
/// ```swift
/// Message(datum.value, eventTime: parsed, keys: ["sensor-7"])
/// Message.drop(eventTime: datum.eventTime)   // filtered out; the input is acked
/// ```
public struct Message: Sendable, Hashable {
  /// The payload.
  public var value: Data
  /// The event time downstream vertices and watermarks see.
  public var eventTime: Date
  /// Keys for partitioning and grouping downstream.
  public var keys: [String]
  /// Tags for conditional forwarding. No tags: forward to all.
  public var tags: [String]
  /// User metadata for downstream vertices (not inherited from the input: copy it here).
  public var userMetadata: MessageMetadata

  public init(
    _ value: Data,
    eventTime: Date,
    keys: [String] = [],
    tags: [String] = [],
    userMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.value = value
    self.eventTime = eventTime
    self.keys = keys
    self.tags = tags
    self.userMetadata = userMetadata
  }

  /// A message whose payload is `text` in UTF-8.
  public init(
    _ text: String,
    eventTime: Date,
    keys: [String] = [],
    tags: [String] = [],
    userMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.init(Data(text.utf8), eventTime: eventTime, keys: keys, tags: tags, userMetadata: userMetadata)
  }

  /// Drops the input: nothing goes downstream and the input is acknowledged. Numa still reads
  /// the event time, so pass the input's.
  public static func drop(eventTime: Date) -> Message {
    Message(Data(), eventTime: eventTime, tags: [Tags.drop])
  }

  /// Whether this is ``drop(eventTime:)``'s message.
  public var isDrop: Bool { tags.contains(Tags.drop) }

  var result: Sourcetransformer_V1_SourceTransformResponse.Result {
    var result = Sourcetransformer_V1_SourceTransformResponse.Result()
    result.keys = keys
    result.value = value
    result.eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: eventTime)
    result.tags = tags
    if !userMetadata.isEmpty {
      result.metadata.userMetadata = userMetadata.protoGroups
    }
    return result
  }
}

extension Message {
  /// The message a wire result describes (for clients and tests). A result without an event
  /// time (which numa would refuse) reads as the epoch.
  package init(_ result: Sourcetransformer_V1_SourceTransformResponse.Result) {
    self.init(
      result.value,
      eventTime: result.eventTime.date,
      keys: result.keys,
      tags: result.tags,
      userMetadata: MessageMetadata(result.metadata.userMetadata)
    )
  }
}
