import NIOCore
import NumaflowCore
import NumaflowMapper
import NumaflowProtos
import NumaflowReducer
import NumaflowSinker
import NumaflowSourceTransformer
import SwiftProtobuf

extension FuzzTarget {
  /// The hand codecs (``HandDecodedMessage``, ``HandEncodedMessage``) against SwiftProtobuf.
  /// The first byte picks the message, by its remainder by 8: a `MapRequest` decoded (0), a
  /// `MapResponse` encoded (1), a `SourceTransformRequest` decoded (2), a
  /// `SourceTransformResponse` encoded (3), a `SinkRequest` decoded (4), a `SinkResponse`
  /// encoded (5), a `ReduceRequest` decoded (6), a `ReduceResponse` encoded (7); the rest is
  /// the message. A request the hand decoder
  /// reads must be what SwiftProtobuf reads, and bytes SwiftProtobuf refuses the hand decoder
  /// must leave to it. A response SwiftProtobuf reads, the hand encoder must write as
  /// SwiftProtobuf does, byte for byte, or leave to it.
  package static let handCodecs = FuzzTarget(name: "hand-codecs") { bytes in
    guard let first = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    switch first % 8 {
    case 0: try checkDecoding(Map_V1_MapRequest.self, input)
    case 1: try checkEncoding(Map_V1_MapResponse.self, input)
    case 2: try checkDecoding(Sourcetransformer_V1_SourceTransformRequest.self, input)
    case 3: try checkEncoding(Sourcetransformer_V1_SourceTransformResponse.self, input)
    case 4: try checkDecoding(Sink_V1_SinkRequest.self, input)
    case 5: try checkEncoding(Sink_V1_SinkResponse.self, input)
    case 6: try checkDecoding(Reduce_V1_ReduceRequest.self, input)
    default: try checkEncoding(Reduce_V1_ReduceResponse.self, input)
    }
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
