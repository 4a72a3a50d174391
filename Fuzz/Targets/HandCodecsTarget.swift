import NIOCore
import NumaflowAccumulator
import NumaflowCore
import NumaflowMapper
import NumaflowProtos
import NumaflowReducer
import NumaflowSessionReducer
import NumaflowSinker
import NumaflowSourceTransformer
import NumaflowSourcer
import SwiftProtobuf

extension FuzzTarget {
  /// The hand codecs (``HandDecodedMessage``, ``HandEncodedMessage``) against SwiftProtobuf.
  /// The first byte picks the message, by its remainder by 13: a `MapRequest` decoded (0), a
  /// `MapResponse` encoded (1), a `SourceTransformRequest` decoded (2), a
  /// `SourceTransformResponse` encoded (3), a `SinkRequest` decoded (4), a `SinkResponse`
  /// encoded (5), a `ReduceRequest` decoded (6), a `ReduceResponse` encoded (7), a
  /// `SessionReduceRequest` decoded (8), a `SessionReduceResponse` encoded (9), an
  /// `AccumulatorRequest` decoded (10), an `AccumulatorResponse` encoded (11), a source's read
  /// reply written from the message a `ReadResponse` carries (12); the rest is the message. A
  /// request the hand decoder reads must be what SwiftProtobuf reads, and bytes SwiftProtobuf
  /// refuses the hand decoder must leave to it. A response SwiftProtobuf reads, the hand encoder
  /// must write as SwiftProtobuf does, byte for byte, or leave to it.
  package static let handCodecs = FuzzTarget(name: "hand-codecs") { bytes in
    guard let first = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    switch first % 13 {
    case 0: try checkDecoding(Map_V1_MapRequest.self, input)
    case 1: try checkEncoding(Map_V1_MapResponse.self, input)
    case 2: try checkDecoding(Sourcetransformer_V1_SourceTransformRequest.self, input)
    case 3: try checkEncoding(Sourcetransformer_V1_SourceTransformResponse.self, input)
    case 4: try checkDecoding(Sink_V1_SinkRequest.self, input)
    case 5: try checkEncoding(Sink_V1_SinkResponse.self, input)
    case 6: try checkDecoding(Reduce_V1_ReduceRequest.self, input)
    case 7: try checkEncoding(Reduce_V1_ReduceResponse.self, input)
    case 8: try checkDecoding(Sessionreduce_V1_SessionReduceRequest.self, input)
    case 9: try checkEncoding(Sessionreduce_V1_SessionReduceResponse.self, input)
    case 10: try checkDecoding(Accumulator_V1_AccumulatorRequest.self, input)
    case 11: try checkEncoding(Accumulator_V1_AccumulatorResponse.self, input)
    default: try checkReadReply(input)
    }
  }

  /// The message a `ReadResponse` carries, written as a read reply, must be SwiftProtobuf's
  /// encoding of the response the reply stands for.
  private static func checkReadReply(_ input: [UInt8]) throws {
    guard let response = try? Source_V1_ReadResponse(serializedBytes: input) else { return }
    let reply = ReadReply.message(NumaflowSourcer.Message(response.result))
    let reference: [UInt8] = try reply.wire.serializedBytes()
    let hand: [UInt8] = try ReadReplySerializer().serialize(reply)
    try require(hand == reference, "ReadReply: the serializer wrote other bytes than SwiftProtobuf")
  }

  private static func checkDecoding<Request: HandDecodedMessage & Equatable>(
    _ type: Request.Type, _ input: [UInt8]
  ) throws {
    let reference = try? Request(serializedBytes: input)
    var hand = Request()
    guard input.withUnsafeBytes({ Request.handDecode($0, into: &hand) }) else { return }
    let name = Request.protoMessageName
    try require(reference != nil, "\(name): the hand decoder read bytes SwiftProtobuf refuses")
    try require(hand == reference, "\(name): read by hand as \(hand), by SwiftProtobuf \(reference!)")
  }

  private static func checkEncoding<Response: HandEncodedMessage>(_ type: Response.Type, _ input: [UInt8]) throws {
    guard let response = try? Response(serializedBytes: input), let size = response.handEncodedSize else { return }
    let name = Response.protoMessageName
    let reference: [UInt8] = try response.serializedBytes()
    try require(size == reference.count, "\(name): sized \(size) bytes, SwiftProtobuf wrote \(reference.count)")
    let hand = Array(try response.encodedBuffer().readableBytesView)
    try require(hand == reference, "\(name): the hand encoder wrote other bytes than SwiftProtobuf")
  }
}
