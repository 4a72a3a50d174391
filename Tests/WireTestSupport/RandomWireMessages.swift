import NumaflowCore
import NumaflowProtos
import PropertyBased
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Random requests and responses of the kinds with hand codecs (map, source transform, sink,
/// reduce, session reduce, accumulator), from a fixed seed, with every field numa and a UDF
/// set, for the hand codecs' properties.
package struct RandomWireMessages {
  private var rng: Xoshiro

  package init(seed: UInt64) {
    rng = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
  }

  package mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

  /// True `percent` times in a hundred.
  package mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

  /// Text of up to `maximum` characters: empty, ASCII, accented, CJK, emoji.
  package mutating func text(upTo maximum: Int = 12) -> String {
    let alphabet: [Character] = ["a", "Z", "0", "-", " ", "é", "日", "🚀", "\u{0}"]
    return String((0..<int(0...maximum)).map { _ in alphabet[int(0...alphabet.count - 1)] })
  }

  package mutating func bytes(upTo maximum: Int = 40) -> Data {
    Data((0..<int(0...maximum)).map { _ in UInt8.random(in: 0...255, using: &rng) })
  }

  package mutating func timestamp() -> Google_Protobuf_Timestamp {
    var time = Google_Protobuf_Timestamp()
    // Zero often: a field left out, which a second encoding of the message merges over.
    time.seconds = chance(20) ? Int64.random(in: .min ... .max, using: &rng) : Int64(int(-1...1_800_000_000))
    time.nanos = chance(20) ? Int32.random(in: .min ... .max, using: &rng) : Int32(int(0...999_999_999))
    if chance(25) { time.seconds = 0 }
    if chance(25) { time.nanos = 0 }
    return time
  }

  package mutating func groups() -> [String: Metadata_KeyValueGroup] {
    var groups: [String: Metadata_KeyValueGroup] = [:]
    for _ in 0..<int(0...2) {
      var group = Metadata_KeyValueGroup()
      for _ in 0..<int(0...2) { group.keyValue[text()] = bytes() }
      groups[text()] = group
    }
    return groups
  }

  package mutating func metadata() -> Metadata_Metadata {
    var metadata = Metadata_Metadata()
    if chance(70) { metadata.previousVertex = text() }
    if chance(50) { metadata.sysMetadata = groups() }
    if chance(50) { metadata.userMetadata = groups() }
    return metadata
  }

  /// A request as numa sends one: a datum with an id, a handshake, or an end of batch.
  package mutating func request() -> Map_V1_MapRequest {
    var request = Map_V1_MapRequest()
    if chance(90) {
      var datum = Map_V1_MapRequest.Request()
      datum.keys = (0..<int(0...3)).map { _ in text() }
      datum.value = bytes(upTo: chance(5) ? 20_000 : 60)
      if chance(90) { datum.eventTime = timestamp() }
      if chance(70) { datum.watermark = timestamp() }
      for _ in 0..<int(0...3) { datum.headers[text()] = text() }
      if chance(70) { datum.metadata = metadata() }
      request.request = datum
    }
    if chance(95) { request.id = text(upTo: 30) }
    if chance(10) { request.handshake.sot = chance(80) }
    if chance(10) { request.status.eot = chance(80) }
    return request
  }

  /// A response as a map UDF writes one; nack options on some results when `nacks`.
  package mutating func response(nacks: Bool = false) -> Map_V1_MapResponse {
    var response = Map_V1_MapResponse()
    response.id = text(upTo: 30)
    response.results = (0..<int(0...3)).map { _ in
      var result = Map_V1_MapResponse.Result()
      result.keys = (0..<int(0...3)).map { _ in text() }
      result.value = bytes(upTo: chance(5) ? 20_000 : 60)
      result.tags = (0..<int(0...2)).map { _ in text() }
      if chance(30) { result.metadata = metadata() }
      if nacks, chance(50) { result.nackOptions.delay = UInt64(int(0...60_000)) }
      return result
    }
    if chance(10) { response.handshake.sot = chance(80) }
    if chance(10) { response.status.eot = chance(80) }
    return response
  }

  /// `bytes` changed the way a damaged or hostile stream changes them: a byte flipped, cut
  /// short, a byte put in, a run repeated.
  package mutating func mutated(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    for _ in 0..<int(1...3) {
      switch int(0...3) {
      case 0 where !bytes.isEmpty: bytes[int(0...bytes.count - 1)] ^= UInt8(1 << int(0...7))
      case 1 where !bytes.isEmpty: bytes.removeLast(int(1...min(bytes.count, 4)))
      case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: int(0...bytes.count))
      default:
        guard !bytes.isEmpty else { continue }
        let start = int(0...bytes.count - 1)
        bytes.insert(contentsOf: bytes[start..<min(bytes.count, start + int(1...8))], at: int(0...bytes.count))
      }
    }
    return bytes
  }

  /// A transformer's request: a map request's fields, the id inside the datum.
  package mutating func transformRequest() -> Sourcetransformer_V1_SourceTransformRequest {
    let map = request()
    var request = Sourcetransformer_V1_SourceTransformRequest()
    if map.hasRequest {
      var datum = Sourcetransformer_V1_SourceTransformRequest.Request()
      datum.keys = map.request.keys
      datum.value = map.request.value
      if map.request.hasEventTime { datum.eventTime = map.request.eventTime }
      if map.request.hasWatermark { datum.watermark = map.request.watermark }
      datum.headers = map.request.headers
      datum.id = map.id
      if map.request.hasMetadata { datum.metadata = map.request.metadata }
      request.request = datum
    }
    if map.hasHandshake { request.handshake.sot = map.handshake.sot }
    return request
  }

  /// A transformer's response: a map response's results, each with an event time or not.
  package mutating func transformResponse(nacks: Bool = false) -> Sourcetransformer_V1_SourceTransformResponse {
    let map = response(nacks: nacks)
    var response = Sourcetransformer_V1_SourceTransformResponse()
    response.id = map.id
    response.results = map.results.map { mapResult in
      var result = Sourcetransformer_V1_SourceTransformResponse.Result()
      result.keys = mapResult.keys
      result.value = mapResult.value
      result.tags = mapResult.tags
      if mapResult.hasMetadata { result.metadata = mapResult.metadata }
      if mapResult.hasNackOptions { result.nackOptions = mapResult.nackOptions }
      return result
    }
    for index in response.results.indices where chance(90) { response.results[index].eventTime = timestamp() }
    if map.hasHandshake { response.handshake.sot = map.handshake.sot }
    return response
  }

  /// A sink's request: a map request's fields, the id inside the datum, or an end of batch.
  package mutating func sinkRequest() -> Sink_V1_SinkRequest {
    let map = request()
    var request = Sink_V1_SinkRequest()
    if map.hasRequest {
      var datum = Sink_V1_SinkRequest.Request()
      datum.keys = map.request.keys
      datum.value = map.request.value
      if map.request.hasEventTime { datum.eventTime = map.request.eventTime }
      if map.request.hasWatermark { datum.watermark = map.request.watermark }
      datum.headers = map.request.headers
      datum.id = map.id
      if map.request.hasMetadata { datum.metadata = map.request.metadata }
      request.request = datum
    }
    if map.hasHandshake { request.handshake.sot = map.handshake.sot }
    if map.hasStatus { request.status.eot = map.status.eot }
    return request
  }

  /// A sink's response: results with every status (and one protobuf does not know), an error,
  /// a serve response (empty too), a message for the on-success sink; nack options on some
  /// results when `nacks`.
  package mutating func sinkResponse(nacks: Bool = false) -> Sink_V1_SinkResponse {
    var response = Sink_V1_SinkResponse()
    response.results = (0..<int(0...4)).map { _ in
      var result = Sink_V1_SinkResponse.Result()
      result.id = text(upTo: 30)
      result.status = Sink_V1_Status(rawValue: chance(5) ? int(-3...9) : int(0...5)) ?? .success
      if chance(30) { result.errMsg = text(upTo: 60) }
      if chance(20) { result.serveResponse = bytes(upTo: chance(10) ? 0 : 60) }
      if chance(20) {
        result.onSuccessMsg.value = bytes(upTo: chance(5) ? 20_000 : 60)
        result.onSuccessMsg.keys = (0..<int(0...3)).map { _ in text() }
        if chance(30) { result.onSuccessMsg.metadata = metadata() }
      }
      if nacks, chance(50) { result.nackOptions.delay = UInt64(int(0...60_000)) }
      return result
    }
    if chance(10) { response.handshake.sot = chance(80) }
    if chance(10) { response.status.eot = chance(80) }
    return response
  }

  /// A window as numa sends one: its bounds, a slot on some.
  package mutating func window() -> Reduce_V1_Window {
    var window = Reduce_V1_Window()
    if chance(95) { window.start = timestamp() }
    if chance(95) { window.end = timestamp() }
    if chance(30) { window.slot = text() }
    return window
  }

  /// A reducer's request: a map request's datum, an operation (every event, and one protobuf
  /// does not name) with its windows.
  package mutating func reduceRequest() -> Reduce_V1_ReduceRequest {
    let map = request()
    var request = Reduce_V1_ReduceRequest()
    if map.hasRequest {
      var payload = Reduce_V1_ReduceRequest.Payload()
      payload.keys = map.request.keys
      payload.value = map.request.value
      if map.request.hasEventTime { payload.eventTime = map.request.eventTime }
      if map.request.hasWatermark { payload.watermark = map.request.watermark }
      payload.headers = map.request.headers
      if map.request.hasMetadata { payload.metadata = map.request.metadata }
      request.payload = payload
    }
    if chance(95) {
      let events: [Int] = [0, 1, 4, 4, 4, int(-3...9)]
      request.operation.event = .init(rawValue: events[int(0...events.count - 1)]) ?? .open
      request.operation.windows = (0..<int(0...2)).map { _ in window() }
    }
    return request
  }

  /// A reducer's response: a result with its window, or the EOF; with unknown fields in some
  /// results when `others` (a reducer's results carry no nack options).
  package mutating func reduceResponse(others: Bool = false) -> Reduce_V1_ReduceResponse {
    var response = Reduce_V1_ReduceResponse()
    if chance(80) {
      response.result.keys = (0..<int(0...3)).map { _ in text() }
      response.result.value = bytes(upTo: chance(5) ? 20_000 : 60)
      response.result.tags = (0..<int(0...2)).map { _ in text() }
      if chance(30) { response.result.metadata = metadata() }
      if others, chance(30) { try? response.result.merge(serializedBytes: [0x78, 0x07] as [UInt8]) }  // field 15
    }
    if chance(90) { response.window = window() }
    response.eof = chance(20)
    return response
  }
}

extension RandomWireMessages {
  /// A keyed window as numa sends one: its bounds, a slot on some, its keys.
  package mutating func keyedWindow<Window: HandCodedKeyedWindow>(_: Window.Type = Window.self) -> Window {
    var window = Window()
    if chance(95) { window.start = timestamp() }
    if chance(95) { window.end = timestamp() }
    if chance(30) { window.slot = text() }
    window.keys = (0..<int(0...3)).map { _ in text() }
    return window
  }

  /// A session reducer's request: a map request's datum, an operation (every event, and one
  /// protobuf does not name) with its keyed windows.
  package mutating func sessionReduceRequest() -> Sessionreduce_V1_SessionReduceRequest {
    let map = request()
    var request = Sessionreduce_V1_SessionReduceRequest()
    if map.hasRequest {
      var payload = Sessionreduce_V1_SessionReduceRequest.Payload()
      payload.keys = map.request.keys
      payload.value = map.request.value
      if map.request.hasEventTime { payload.eventTime = map.request.eventTime }
      if map.request.hasWatermark { payload.watermark = map.request.watermark }
      payload.headers = map.request.headers
      if map.request.hasMetadata { payload.metadata = map.request.metadata }
      request.payload = payload
    }
    if chance(95) {
      let events: [Int] = [0, 1, 2, 3, 4, 4, 4, int(-3...9)]
      request.operation.event = .init(rawValue: events[int(0...events.count - 1)]) ?? .open
      request.operation.keyedWindows = (0..<int(0...3)).map { _ in keyedWindow() }
    }
    return request
  }

  /// A session reducer's response: a result with its keyed window, or the EOF; with unknown
  /// fields in some results when `others`.
  package mutating func sessionReduceResponse(others: Bool = false) -> Sessionreduce_V1_SessionReduceResponse {
    var response = Sessionreduce_V1_SessionReduceResponse()
    if chance(80) {
      response.result.keys = (0..<int(0...3)).map { _ in text() }
      response.result.value = bytes(upTo: chance(5) ? 20_000 : 60)
      response.result.tags = (0..<int(0...2)).map { _ in text() }
      if chance(30) { response.result.metadata = metadata() }
      if others, chance(30) { try? response.result.merge(serializedBytes: [0x78, 0x07] as [UInt8]) }  // field 15
    }
    if chance(90) { response.keyedWindow = keyedWindow() }
    response.eof = chance(20)
    return response
  }

  /// An accumulator's datum: a map request's datum with its id.
  package mutating func accumulatorPayload() -> Accumulator_V1_Payload {
    let map = request()
    var payload = Accumulator_V1_Payload()
    payload.keys = map.request.keys
    payload.value = map.request.value
    if map.request.hasEventTime { payload.eventTime = map.request.eventTime }
    if map.request.hasWatermark { payload.watermark = map.request.watermark }
    payload.id = map.id
    payload.headers = map.request.headers
    if map.request.hasMetadata { payload.metadata = map.request.metadata }
    return payload
  }

  /// An accumulator's request: a datum, an operation (every event, and one protobuf does not
  /// name) with its keyed window.
  package mutating func accumulatorRequest() -> Accumulator_V1_AccumulatorRequest {
    var request = Accumulator_V1_AccumulatorRequest()
    if chance(90) { request.payload = accumulatorPayload() }
    if chance(95) {
      let events: [Int] = [0, 1, 2, 2, 2, int(-3...9)]
      request.operation.event = .init(rawValue: events[int(0...events.count - 1)]) ?? .open
      if chance(95) { request.operation.keyedWindow = keyedWindow() }
    }
    return request
  }

  /// An accumulator's response: a datum with its window and tags, or the EOF; with unknown
  /// fields in some datums when `others`.
  package mutating func accumulatorResponse(others: Bool = false) -> Accumulator_V1_AccumulatorResponse {
    var response = Accumulator_V1_AccumulatorResponse()
    if chance(80) {
      response.payload = accumulatorPayload()
      if chance(5) { response.payload.value = bytes(upTo: 20_000) }
      if others, chance(30) { try? response.payload.merge(serializedBytes: [0x78, 0x07] as [UInt8]) }  // field 15
    }
    if chance(90) { response.window = keyedWindow() }
    response.tags = (0..<int(0...2)).map { _ in text() }
    response.eof = chance(20)
    return response
  }
}
