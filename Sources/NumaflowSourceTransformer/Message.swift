import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// One output of a source transformer. It always has an event time.
///
/// ```swift
/// Message(datum.value, eventTime: parsed, keys: ["sensor-7"])
/// Message.drop(eventTime: datum.eventTime)   // filtered out; the input is acked
/// Message.nack(eventTime: datum.eventTime)   // redelivered later (Numaflow ≥ 1.8.2)
/// Message.fail(eventTime: datum.eventTime)   // transformed again (Numaflow ≥ 1.9)
/// ```
public struct Message: ForwardedMessage, Hashable {
  /// The payload.
  public var value: Data
  /// The event time downstream vertices and watermarks see. A time outside the years 1 to 9999
  /// is sent as the nearer end of that range, with a warning logged for the first one.
  public var eventTime: Date
  /// Keys for partitioning and grouping downstream.
  public var keys: [String]
  /// Tags for conditional forwarding. No tags: forward to all.
  public var tags: [String]
  /// User metadata for downstream vertices (not inherited from the input: copy it here).
  public var userMetadata: MessageMetadata
  /// How to redeliver the input, on a ``nack(eventTime:options:)`` message.
  public var nackOptions: NackOptions?

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

  /// Refuses the input: it is not acknowledged, and the source delivers it again as `options`
  /// say. Numa still reads the event time, so pass the input's. Needs Numaflow 1.8.2 or later
  /// (see `NackOptions`).
  public static func nack(eventTime: Date, options: NackOptions = NackOptions()) -> Message {
    var message = Message(Data(), eventTime: eventTime, tags: [Tags.nack])
    message.nackOptions = options
    return message
  }

  /// Whether this is ``nack(eventTime:options:)``'s message.
  public var isNack: Bool { tags.contains(Tags.nack) }

  /// Fails the input: numa calls the transformer again with it, as the source vertex's
  /// `retryStrategy` says (backoff, then drop or nack it; with no strategy, again and again).
  /// Needs Numaflow 1.9 (see `NumaflowVersion.failAndRetry`).
  public static func fail(eventTime: Date) -> Message {
    Message(Data(), eventTime: eventTime, tags: [Tags.fail])
  }

  /// Whether this is ``fail(eventTime:)``'s message.
  public var isFail: Bool { tags.contains(Tags.fail) }

  var result: Sourcetransformer_V1_SourceTransformResponse.Result {
    var result = Sourcetransformer_V1_SourceTransformResponse.Result(
      value: value, keys: keys, tags: tags, userMetadata: userMetadata, nackOptions: nackOptions)
    result.eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: eventTime)
    return result
  }
}

extension Message {
  /// The message a wire result describes (for clients and tests). A result without an event
  /// time (which numa would refuse) reads as the epoch.
  package init(_ result: Sourcetransformer_V1_SourceTransformResponse.Result) {
    self.init(
      result.value, eventTime: result.eventTime.date, keys: result.keys, tags: result.tags,
      userMetadata: result.userMetadata)
    nackOptions = result.nack
  }
}
