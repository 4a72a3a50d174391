import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// One message a source reads into the pipeline. It always has an offset and an event time:
/// numa stops on a message without either, so the type requires both.
///
/// ```swift
/// Message(Data("21.5".utf8), offset: Offset("7"), eventTime: Date(), keys: ["sensor-7"])
/// ```
public struct Message: Sendable, Hashable {
  /// The payload.
  public var value: Data
  /// Where the message sits in the source; numa acks it by this.
  public var offset: Offset
  /// When the event happened: watermarks follow it. A time outside the years 1 to 9999 is sent
  /// as the nearer end of that range, with a warning logged for the first one.
  public var eventTime: Date
  /// Keys for partitioning and grouping downstream.
  public var keys: [String]
  /// Headers that travel with the message (downstream datums' `headers`).
  public var headers: [String: String]
  /// User metadata for downstream vertices.
  public var userMetadata: MessageMetadata

  public init(
    _ value: Data,
    offset: Offset,
    eventTime: Date,
    keys: [String] = [],
    headers: [String: String] = [:],
    userMetadata: MessageMetadata = MessageMetadata()
  ) {
    let record = SourceRecord(value, eventTime: eventTime, keys: keys, headers: headers, userMetadata: userMetadata)
    self.init(record, offset: offset)
  }

  /// The message `record` is, at `offset`.
  public init(_ record: SourceRecord, offset: Offset) {
    (value, eventTime, keys) = (record.value, record.eventTime, record.keys)
    (headers, userMetadata) = (record.headers, record.userMetadata)
    self.offset = offset
  }

  /// A message whose payload is `text` in UTF-8.
  public init(
    _ text: String,
    offset: Offset,
    eventTime: Date,
    keys: [String] = [],
    headers: [String: String] = [:],
    userMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.init(
      Data(text.utf8), offset: offset, eventTime: eventTime, keys: keys, headers: headers, userMetadata: userMetadata)
  }
}

extension Message {
  /// The message a read response carries (for clients and tests). A result without an event
  /// time (which numa would refuse) reads as the epoch.
  package init(_ result: Source_V1_ReadResponse.Result) {
    self.init(
      result.payload, offset: Offset(result.offset), eventTime: result.eventTime.date, keys: result.keys,
      headers: result.headers, userMetadata: MessageMetadata(result.metadata.userMetadata))
  }
}
