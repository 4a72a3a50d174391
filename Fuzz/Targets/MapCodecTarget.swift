import NIOCore
import NumaflowCore
import NumaflowMapper
import NumaflowProtos
import SwiftProtobuf

extension FuzzTarget {
  /// The map kinds' hand codecs (``HandDecodedMessage``, ``HandEncodedMessage``) against
  /// SwiftProtobuf. The first byte picks the side (even: decoding a `MapRequest`, odd: encoding
  /// a `MapResponse`); the rest is the message. A request the hand decoder reads must be what
  /// SwiftProtobuf reads, and bytes SwiftProtobuf refuses the hand decoder must leave to it. A
  /// response SwiftProtobuf reads, the hand encoder must write as SwiftProtobuf does, byte for
  /// byte, or leave to it.
  package static let mapCodec = FuzzTarget(name: "map-codec") { bytes in
    guard let first = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    if first % 2 == 0 {
      let reference = try? Map_V1_MapRequest(serializedBytes: input)
      var hand = Map_V1_MapRequest()
      if input.withUnsafeBytes({ Map_V1_MapRequest.handDecode($0, into: &hand) }) {
        try require(reference != nil, "request: the hand decoder read bytes SwiftProtobuf refuses")
        try require(hand == reference, "request: the hand decoder read \(hand), SwiftProtobuf \(reference!)")
      }
    } else {
      guard let response = try? Map_V1_MapResponse(serializedBytes: input) else { return }
      let reference: [UInt8] = try response.serializedBytes()
      guard let size = response.handEncodedSize else { return }
      try require(size == reference.count, "response: sized \(size) bytes, SwiftProtobuf wrote \(reference.count)")
      let hand = Array(try response.encodedBuffer().readableBytesView)
      try require(hand == reference, "response: the hand encoder wrote other bytes than SwiftProtobuf")
    }
  }
}
