import NumaflowCore

/// One record of a sequence published with `SourceServer(publishing:)`: a message without an
/// offset, which the server assigns.
///
/// ```swift
/// SourceRecord(line, eventTime: parsedTime, keys: ["host-3"])
/// ```
public struct SourceRecord: Sendable, Hashable {
  /// The payload.
  public var value: Data
  /// When the event happened: watermarks follow it.
  public var eventTime: Date
  /// Keys for partitioning and grouping downstream.
  public var keys: [String]
  /// Headers that travel with the message.
  public var headers: [String: String]
  /// User metadata for downstream vertices.
  public var userMetadata: MessageMetadata

  public init(
    _ value: Data,
    eventTime: Date = Date(),
    keys: [String] = [],
    headers: [String: String] = [:],
    userMetadata: MessageMetadata = MessageMetadata()
  ) {
    (self.value, self.eventTime, self.keys) = (value, eventTime, keys)
    (self.headers, self.userMetadata) = (headers, userMetadata)
  }

  /// A record whose payload is `text` in UTF-8.
  public init(
    _ text: String,
    eventTime: Date = Date(),
    keys: [String] = [],
    headers: [String: String] = [:],
    userMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.init(Data(text.utf8), eventTime: eventTime, keys: keys, headers: headers, userMetadata: userMetadata)
  }
}
