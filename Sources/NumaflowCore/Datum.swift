import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One input message, as numa hands it to a UDF of any kind: map, stream map, batch map,
/// source transformer.
///
/// ```swift
/// let datum = Datum(keys: ["sensor-7"], value: Data("21.5".utf8))   // a fixture for a test
/// ```
public struct Datum: Sendable {
  /// The request's id, unique among the messages in flight (`<vertex>-<offset>-<index>` from
  /// numa; opaque). A batch mapper answers each datum by it.
  public let id: String
  /// The message's keys (also passed to the handler separately).
  public let keys: [String]
  /// The payload.
  public let value: Data
  /// When the event happened. A map cannot change it: outputs inherit it. A source transformer
  /// sets its outputs' own.
  public let eventTime: Date
  /// The vertex's watermark when the message was read, or `nil` when numa sent none.
  /// The platform's "unknown" watermark is -1 ms (`Date(timeIntervalSince1970: -0.001)`).
  public let watermark: Date?
  /// Headers set at the source (HTTP headers, `X-Numaflow-Id`, ...). Outputs inherit them.
  public let headers: [String: String]
  /// Metadata owned by the user. Outputs carry only what their `userMetadata` holds: copy it
  /// over to pass it on.
  public let userMetadata: MessageMetadata
  /// Metadata owned by the platform (tracing, ...). Read-only; outputs keep it automatically.
  public let systemMetadata: MessageMetadata

  public init(
    id: String = "",
    keys: [String] = [],
    value: Data,
    eventTime: Date = Date(),
    watermark: Date? = nil,
    headers: [String: String] = [:],
    userMetadata: MessageMetadata = MessageMetadata(),
    systemMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.id = id
    self.keys = keys
    self.value = value
    self.eventTime = eventTime
    self.watermark = watermark
    self.headers = headers
    self.userMetadata = userMetadata
    self.systemMetadata = systemMetadata
  }
}

extension Datum {
  /// The datum a wire payload describes, with the request's id.
  package init(id: String, _ payload: some WirePayload) {
    self.init(
      id: id,
      keys: payload.keys,
      value: payload.value,
      eventTime: payload.eventTime.date,
      watermark: payload.hasWatermark ? payload.watermark.date : nil,
      headers: payload.headers,
      userMetadata: MessageMetadata(payload.metadata.userMetadata),
      systemMetadata: MessageMetadata(payload.metadata.sysMetadata)
    )
  }

  /// The wire payload numa would send for this datum (for clients and tests).
  package func payload<Payload: WirePayload>(as type: Payload.Type = Payload.self) -> Payload {
    var payload = Payload()
    payload.keys = keys
    payload.value = value
    payload.eventTime = .init(roundingToMicroseconds: eventTime)
    if let watermark { payload.watermark = .init(roundingToMicroseconds: watermark) }
    payload.headers = headers
    payload.metadata.userMetadata = userMetadata.protoGroups
    payload.metadata.sysMetadata = systemMetadata.protoGroups
    return payload
  }
}
