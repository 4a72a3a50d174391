import NumaflowCore
import NumaflowProtos

/// One output of a map UDF.
///
/// ```swift
/// Message(datum.value, keys: ["even"], tags: ["even-tag"])   // routed by tag
/// Message.drop()                                              // no output; the input is acked
/// Message.nack(NackOptions(delay: .seconds(30)))               // redeliver the input (Numaflow ≥ 1.8.2)
/// Message.fail()                                              // call the UDF again with it (Numaflow ≥ 1.9)
/// ```
public struct Message: ForwardedMessage, Hashable {
  /// The payload.
  public var value: Data
  /// Keys for partitioning and grouping downstream.
  public var keys: [String]
  /// Tags for conditional forwarding on the pipeline's edges. No tags: forward to all.
  public var tags: [String]
  /// User metadata for downstream vertices (not inherited from the input: copy it here).
  public var userMetadata: MessageMetadata
  /// How to redeliver the input, on a ``nack(_:)`` message.
  public var nackOptions: NackOptions?

  public init(
    _ value: Data, keys: [String] = [], tags: [String] = [], userMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.value = value
    self.keys = keys
    self.tags = tags
    self.userMetadata = userMetadata
  }

  /// A message whose payload is `text` in UTF-8.
  public init(
    _ text: String, keys: [String] = [], tags: [String] = [], userMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.init(Data(text.utf8), keys: keys, tags: tags, userMetadata: userMetadata)
  }

  /// Drops the input: nothing goes downstream and the input is acknowledged.
  public static func drop() -> Message {
    Message(Data(), tags: [Tags.drop])
  }

  /// Refuses the input: it is not acknowledged, and the source delivers it again as `options`
  /// say. Needs Numaflow 1.8.2 or later (see `NackOptions`).
  public static func nack(_ options: NackOptions = NackOptions()) -> Message {
    var message = Message(Data(), tags: [Tags.nack])
    message.nackOptions = options
    return message
  }

  /// Whether this is ``nack(_:)``'s message.
  public var isNack: Bool { tags.contains(Tags.nack) }

  /// Fails the input: numa calls the UDF again with it, as the vertex's `retryStrategy` says
  /// (backoff, then drop or nack it; with no strategy, again and again). One failed message
  /// fails the whole input, whatever else was returned for it. Needs Numaflow 1.9 (set
  /// `ServerConfiguration.minimumNumaflowVersion` to `.failAndRetry` so that an older numa
  /// refuses the container rather than forward the tag as data).
  public static func fail() -> Message {
    Message(Data(), tags: [Tags.fail])
  }

  /// Whether this is ``fail()``'s message.
  public var isFail: Bool { tags.contains(Tags.fail) }

  package var result: Map_V1_MapResponse.Result {
    .init(value: value, keys: keys, tags: tags, userMetadata: userMetadata, nackOptions: nackOptions)
  }
}

extension Message {
  /// The message a wire result describes (for clients and tests).
  package init(_ result: Map_V1_MapResponse.Result) {
    self.init(result.value, keys: result.keys, tags: result.tags, userMetadata: result.userMetadata)
    nackOptions = result.nack
  }
}
