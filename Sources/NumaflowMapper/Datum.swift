import Foundation
import NumaflowProtos
import SwiftProtobuf

/// One input message of a map UDF.
public struct Datum: Sendable {
  /// The request's id, unique among the messages in flight (`<vertex>-<offset>-<index>` from
  /// numa; opaque). A batch mapper answers each datum by it.
  public let id: String
  /// The message's keys (also passed to the handler separately).
  public let keys: [String]
  /// The payload.
  public let value: Data
  /// When the event happened. A map cannot change it: outputs inherit it.
  public let eventTime: Date
  /// The vertex's watermark when the message was read, or `nil` when numa sent none.
  /// The platform's "unknown" watermark is -1 ms (`Date(timeIntervalSince1970: -0.001)`).
  public let watermark: Date?
  /// Headers set at the source (HTTP headers, `X-Numaflow-Id`, ...). Outputs inherit them.
  public let headers: [String: String]
  /// Metadata owned by the user. Outputs carry only what their ``Message/userMetadata`` holds:
  /// copy it over to pass it on.
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

  package init(_ wire: Map_V1_MapRequest) {
    let request = wire.request
    self.init(
      id: wire.id,
      keys: request.keys,
      value: request.value,
      eventTime: request.eventTime.date,
      watermark: request.hasWatermark ? request.watermark.date : nil,
      headers: request.headers,
      userMetadata: MessageMetadata(request.metadata.userMetadata),
      systemMetadata: MessageMetadata(request.metadata.sysMetadata)
    )
  }
}

extension Datum {
  /// The wire request numa would send for this datum (for clients and tests).
  package func request(id: String) -> Map_V1_MapRequest {
    var request = Map_V1_MapRequest()
    request.id = id
    request.request.keys = keys
    request.request.value = value
    request.request.eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: eventTime)
    if let watermark { request.request.watermark = Google_Protobuf_Timestamp(roundingToMicroseconds: watermark) }
    request.request.headers = headers
    request.request.metadata.userMetadata = userMetadata.protoGroups
    request.request.metadata.sysMetadata = systemMetadata.protoGroups
    return request
  }
}
