import GRPCCore
import GRPCProtobuf
import NIOCore
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing

@testable import NumaflowMapper

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The map kinds' hand codecs against SwiftProtobuf, on random messages from fixed seeds: what
/// the hand decoder reads, it reads as SwiftProtobuf does, and it reads every request numa
/// sends; what the hand encoder writes is SwiftProtobuf's encoding, byte for byte.
@Suite struct MapWireCodingTests {
  /// The hand decoder's answer for `bytes`, or `nil` when it gives up.
  static func handDecoded(_ bytes: [UInt8]) -> Map_V1_MapRequest? {
    var request = Map_V1_MapRequest()
    let decoded = bytes.withUnsafeBytes { Map_V1_MapRequest.handDecode($0, into: &request) }
    return decoded ? request : nil
  }

  @Test func everyRequestNumaSendsDecodesByHandAsSwiftProtobufDoes() throws {
    var random = RandomWireMessages(seed: 1)
    for index in 0..<2_000 {
      let request = random.request()
      let bytes: [UInt8] = try request.serializedBytes()
      let hand = try #require(Self.handDecoded(bytes), "request \(index) was left to SwiftProtobuf: \(request)")
      #expect(hand == request, "request \(index)")
    }
  }

  @Test func damagedRequestsDecodeByHandOnlyAsSwiftProtobufDoes() throws {
    var random = RandomWireMessages(seed: 2)
    var byHand = 0
    for index in 0..<5_000 {
      let bytes = random.mutated(try random.request().serializedBytes())
      let reference = try? Map_V1_MapRequest(serializedBytes: bytes)
      if let hand = Self.handDecoded(bytes) {
        byHand += 1
        #expect(hand == reference, "damaged request \(index): \(bytes)")
      }
      let decoded = try? bytes.withUnsafeBytes { try Map_V1_MapRequest.decoded(from: $0) }
      #expect(decoded == reference, "damaged request \(index): \(bytes)")
    }
    // Many damaged requests still parse (a flipped bit in a payload); those the hand decoder reads.
    #expect(byHand > 200)
  }

  @Test func fieldsEncodedTwiceDecodeByHandOnlyAsProtobufMergesThem() throws {
    // Two encodings one after the other are one message: protobuf merges them (the last value
    // of a scalar, both lists' elements, both messages' fields merged).
    var random = RandomWireMessages(seed: 8)
    var byHand = 0
    for index in 0..<2_000 {
      let (first, second) = (random.request(), random.request())
      let requestsTwice: [UInt8] = try first.serializedBytes() + second.serializedBytes()
      let datums: [UInt8] = try first.request.serializedBytes() + second.request.serializedBytes()
      let datumTwice = [0x0A] + Self.varint(datums.count) + datums  // field 1, the two datums
      for bytes in [requestsTwice, datumTwice] {
        let reference = try Map_V1_MapRequest(serializedBytes: bytes)
        if let hand = Self.handDecoded(bytes) {
          byHand += 1
          #expect(hand == reference, "pair \(index): \(first) then \(second)")
        }
      }
    }
    #expect(byHand > 200)
  }

  static func varint(_ value: Int) -> [UInt8] {
    var (value, bytes) = (UInt64(value), [UInt8]())
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    return bytes + [UInt8(value)]
  }

  @Test func mapEntriesWithoutKeyOrValueDecodeByHand() throws {
    // prost leaves a map entry's key or value out when it is empty.
    func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(bytes.count)] + bytes }
    let metadata =
      field(1, Array("in".utf8)) + field(2, field(1, Array("sys".utf8)))  // a group with no value
      + field(3, field(2, field(1, field(1, Array("k".utf8)))))  // no key; one pair with no value
    let datum =
      field(1, Array("key".utf8)) + field(5, []) + field(5, field(1, Array("only-key".utf8)))
      + field(5, field(2, Array("only-value".utf8))) + field(6, metadata)
    let bytes = field(1, datum) + field(2, Array("id-1".utf8))
    let reference = try Map_V1_MapRequest(serializedBytes: bytes)
    #expect(reference.request.headers == ["only-key": "", "": "only-value"])
    #expect(Self.handDecoded(bytes) == reference)
  }

  @Test func unknownFieldsAreLeftToSwiftProtobufAndKept() throws {
    var random = RandomWireMessages(seed: 3)
    var request = random.request()
    request.id = "with-unknown"
    let bytes: [UInt8] = try request.serializedBytes() + [0x48, 0x07]  // field 9, varint 7
    #expect(Self.handDecoded(bytes) == nil)
    let decoded = try bytes.withUnsafeBytes { try Map_V1_MapRequest.decoded(from: $0) }
    #expect(decoded == (try Map_V1_MapRequest(serializedBytes: bytes)))
    #expect(decoded.unknownFields.data == Data([0x48, 0x07]))
  }

  @Test(
    arguments: [
      [0xC3, 0x28],  // a two-byte sequence cut short
      [0xF0, 0x90, 0x80],  // a four-byte sequence cut short: repaired to one U+FFFD, as long as it
      [0xED, 0xA0, 0x80],  // a surrogate
      [0x61, 0xFF],
    ] as [[UInt8]])
  func textThatIsNotUTF8IsRefusedAsSwiftProtobufRefusesIt(id: [UInt8]) {
    let bytes: [UInt8] = [0x12, UInt8(id.count)] + id  // field 2, the id
    #expect(Self.handDecoded(bytes) == nil)
    #expect(throws: (any Error).self) { try bytes.withUnsafeBytes { try Map_V1_MapRequest.decoded(from: $0) } }
  }

  @Test func responsesEncodeByHandByteForByteAsSwiftProtobuf() throws {
    var random = RandomWireMessages(seed: 4)
    for index in 0..<2_000 {
      let response = random.response()
      let reference: [UInt8] = try response.serializedBytes()
      #expect(response.handEncodedSize == reference.count, "response \(index)")
      let hand: [UInt8] = try HandEncodingSerializer<Map_V1_MapResponse>().serialize(response)
      #expect(hand == reference, "response \(index): \(response)")
      let buffer = try response.encodedBuffer()
      #expect(Array(buffer.readableBytesView) == reference, "response \(index) in a buffer")
      #expect(EncodedResponse(bytes: buffer).occurrences(ofField: 1) == response.results.count)
    }
  }

  @Test func responsesWithNackOptionsOrUnknownFieldsAreEncodedBySwiftProtobuf() throws {
    var random = RandomWireMessages(seed: 5)
    var fallBack = 0
    for index in 0..<500 {
      var response = random.response(nacks: true)
      if index % 7 == 0 { try response.merge(serializedBytes: [0x48, 0x07] as [UInt8]) }  // field 9
      let covered = !response.results.contains(where: \.hasNackOptions) && response.unknownFields.data.isEmpty
      #expect((response.handEncodedSize != nil) == covered, "response \(index)")
      fallBack += covered ? 0 : 1
      let hand: [UInt8] = try HandEncodingSerializer<Map_V1_MapResponse>().serialize(response)
      let reference: [UInt8] = try ProtobufSerializer<Map_V1_MapResponse>().serialize(response)
      #expect(hand == reference, "response \(index)")
    }
    #expect(fallBack > 100)
  }

  @Test func theDeserializerReadsWhatTheSerializerWrites() throws {
    var random = RandomWireMessages(seed: 6)
    for _ in 0..<200 {
      let request = random.request()
      let bytes: [UInt8] = try ProtobufSerializer<Map_V1_MapRequest>().serialize(request)
      #expect(try HandDecodingDeserializer<Map_V1_MapRequest>().deserialize(bytes) == request)
    }
    // Bytes that are no request get grpc-swift-protobuf's own error.
    let error = #expect(throws: RPCError.self) {
      try HandDecodingDeserializer<Map_V1_MapRequest>().deserialize([0x12, 0x09] as [UInt8])
    }
    #expect(error?.code == .invalidArgument)
  }

  @Test func workersDecodeAndEncodeWithTheHandCodecs() throws {
    let codec = WorkerCodec<Map_V1_MapRequest, Map_V1_MapResponse>.handCoded(requestID: \.id)
    var random = RandomWireMessages(seed: 7)
    for _ in 0..<200 {
      let request = random.request()
      #expect(try codec.decodeRequest(codec.encodeRequest(request)) == request)
      let response = random.response(nacks: true)
      #expect(try codec.decodeResponse(codec.encodeResponse(response)) == response)
    }
  }
}
