import NumaflowCore
import NumaflowProtos

/// What a sink forwards to the on-success sink in place of the original message
/// (``Response/onSuccess(_:_:)``): its value, keys and user metadata replace the original's;
/// the platform's system metadata is kept.
///
/// ```swift
/// .onSuccess(datum.id, Message(datum.value, keys: ["on_success"], userMetadata: datum.userMetadata))
/// ```
public struct Message: Sendable, Hashable {
  /// The payload.
  public var value: Data
  /// The keys.
  public var keys: [String]
  /// User metadata; the original's is replaced by this one when it is not empty.
  public var userMetadata: MessageMetadata

  public init(_ value: Data, keys: [String] = [], userMetadata: MessageMetadata = MessageMetadata()) {
    self.value = value
    self.keys = keys
    self.userMetadata = userMetadata
  }

  /// A message whose payload is `text` in UTF-8.
  public init(_ text: String, keys: [String] = [], userMetadata: MessageMetadata = MessageMetadata()) {
    self.init(Data(text.utf8), keys: keys, userMetadata: userMetadata)
  }

  package var proto: Sink_V1_SinkResponse.Result.Message {
    var message = Sink_V1_SinkResponse.Result.Message()
    message.value = value
    message.keys = keys
    if !userMetadata.isEmpty { message.metadata.userMetadata = userMetadata.protoGroups }
    return message
  }

  /// The message a wire message describes (for clients and tests).
  package init(_ proto: Sink_V1_SinkResponse.Result.Message) {
    self.init(proto.value, keys: proto.keys, userMetadata: MessageMetadata(proto.metadata.userMetadata))
  }
}
