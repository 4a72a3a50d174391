import Foundation
import NumaflowProtos
import SwiftProtobuf

/// One message as the source produced it, before any transformation.
public struct Datum: Sendable {
  /// The message's keys (also passed to the handler separately).
  public let keys: [String]
  /// The payload.
  public let value: Data
  /// The event time the source assigned; outputs set their own.
  public let eventTime: Date
  /// The source's watermark when the message was read, or `nil` when numa sent none.
  public let watermark: Date?
  /// Headers set by the source. Outputs inherit them.
  public let headers: [String: String]
  /// Metadata owned by the user. Outputs carry only what their ``Message/userMetadata`` holds.
  public let userMetadata: MessageMetadata
  /// Metadata owned by the platform. Read-only; outputs keep it automatically.
  public let systemMetadata: MessageMetadata

  public init(
    keys: [String] = [],
    value: Data,
    eventTime: Date = Date(),
    watermark: Date? = nil,
    headers: [String: String] = [:],
    userMetadata: MessageMetadata = MessageMetadata(),
    systemMetadata: MessageMetadata = MessageMetadata()
  ) {
    self.keys = keys
    self.value = value
    self.eventTime = eventTime
    self.watermark = watermark
    self.headers = headers
    self.userMetadata = userMetadata
    self.systemMetadata = systemMetadata
  }

  init(_ request: Sourcetransformer_V1_SourceTransformRequest.Request) {
    self.init(
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
  package func request(id: String) -> Sourcetransformer_V1_SourceTransformRequest {
    var request = Sourcetransformer_V1_SourceTransformRequest()
    request.request.id = id
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
