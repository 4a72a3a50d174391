import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// One output of an accumulator. Numa needs an event time and the id of the input it stands
/// for (it dedupes outputs by id), so both are required.
///
/// ```swift
/// Message(forwarding: datum)                                        // the input, as it was
/// Message.drop(datum)                                               // nothing goes on
/// Message(Data("sum=10".utf8), eventTime: datum.eventTime, id: datum.id, keys: keys)
/// ```
public struct Message: ForwardedMessage, Hashable {
  public var value: Data
  /// The output's event time.
  public var eventTime: Date
  /// The id of the input this output stands for: distinct outputs need distinct ids.
  public var id: String
  public var keys: [String]
  public var tags: [String]
  /// The watermark the output carries; the response's window ends at the latest one written.
  public var watermark: Date?
  public var headers: [String: String]

  public init(
    _ value: Data, eventTime: Date, id: String, keys: [String] = [], tags: [String] = [], watermark: Date? = nil,
    headers: [String: String] = [:]
  ) {
    self.value = value
    self.eventTime = eventTime
    self.id = id
    self.keys = keys
    self.tags = tags
    self.watermark = watermark
    self.headers = headers
  }

  /// The input as an output: its value, keys, event time, watermark, headers and id.
  public init(forwarding datum: Datum, tags: [String] = []) {
    self.init(
      datum.value, eventTime: datum.eventTime, id: datum.id, keys: datum.keys, tags: tags,
      watermark: datum.watermark, headers: datum.headers)
  }

  /// Drops `datum`: nothing goes downstream, but its watermark still moves the key's window
  /// on, as an output would.
  public static func drop(_ datum: Datum) -> Message {
    Message(
      Data(), eventTime: datum.eventTime, id: datum.id, keys: datum.keys, tags: [Tags.drop], watermark: datum.watermark)
  }

  package var payload: Accumulator_V1_Payload {
    var payload = Accumulator_V1_Payload()
    payload.keys = keys
    payload.value = value
    payload.eventTime = .init(roundingToMicroseconds: eventTime)
    if let watermark { payload.watermark = .init(roundingToMicroseconds: watermark) }
    payload.headers = headers
    payload.id = id
    return payload
  }

  /// The message a wire response describes (for clients and tests).
  package init(_ response: Accumulator_V1_AccumulatorResponse) {
    let payload = response.payload
    self.init(
      payload.value, eventTime: payload.eventTime.date, id: payload.id, keys: payload.keys, tags: response.tags,
      watermark: payload.hasWatermark ? payload.watermark.date : nil, headers: payload.headers)
  }
}
