import NumaflowCore
import NumaflowProtos

extension Datum {
  /// How many times numa has already tried to write this datum to the sink: 0 on the first
  /// attempt, 1 on the first retry, and so on (the `retry_count` numa puts in the system
  /// metadata's `sink` group, Numaflow 1.8.3 and later). `nil` when numa sent none: an older
  /// platform, or a datum made in a test without ``retrying(_:)``.
  ///
  /// ```swift
  /// if let attempt = datum.retryCount, attempt >= 3 { return .fallback(datum.id) }   // give up
  /// ```
  public var retryCount: Int? {
    systemMetadata[Self.sinkGroup, Self.retryCountKey].flatMap { Int(String(decoding: $0, as: UTF8.self)) }
  }

  /// This datum as numa sends it on attempt `retryCount` (0 for the first): for tests.
  public func retrying(_ retryCount: Int) -> Datum {
    var metadata = systemMetadata
    metadata[Self.sinkGroup, Self.retryCountKey] = Data(String(retryCount).utf8)
    return Datum(
      id: id, keys: keys, value: value, eventTime: eventTime, watermark: watermark, headers: headers,
      userMetadata: userMetadata, systemMetadata: metadata)
  }

  private static let sinkGroup = "sink"
  private static let retryCountKey = "retry_count"

  /// The sink request numa would send for this datum, with `id` (for clients and tests).
  package func sinkRequest(id: String) -> Sink_V1_SinkRequest { request(id: id) }
}

extension Sink_V1_SinkRequest: WireDatumRequest {}
extension Sink_V1_SinkRequest.Request: WireIdentifiedPayload {}
