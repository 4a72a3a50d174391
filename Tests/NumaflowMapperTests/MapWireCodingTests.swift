import GRPCCore
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing
import WireTestSupport

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
  typealias Properties = HandCodecProperties<Map_V1_MapRequest, Map_V1_MapResponse>

  static let properties = Properties(
    request: { $0.request() }, response: { $0.response(nacks: $1) },
    datum: { try $0.request.serializedBytes() }, resultCount: \.results.count)

  @Test(arguments: HandCodecProperty.allCases)
  func handCodecsHold(_ property: HandCodecProperty) throws {
    let failures = try Self.properties.failures(of: property)
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func mapEntriesWithoutKeyOrValueDecodeByHand() throws {
    // prost leaves a map entry's key or value out when it is empty.
    typealias Wire = WireBytes
    let noValue = Wire.field(2, Wire.field(1, text: "sys"))  // sys_metadata: a group with no value
    let noKey = Wire.field(3, Wire.field(2, Wire.field(1, Wire.field(1, text: "k"))))  // a pair with no value
    let metadata = Wire.field(1, text: "in") + noValue + noKey
    let headers = Wire.field(5, []) + Wire.field(5, Wire.field(1, text: "only-key"))
    let datum = Wire.field(1, text: "key") + headers + Wire.field(5, Wire.field(2, text: "only-value"))
    let bytes = Wire.field(1, datum + Wire.field(6, metadata)) + Wire.field(2, text: "id-1")
    let reference = try Map_V1_MapRequest(serializedBytes: bytes)
    #expect(reference.request.headers == ["only-key": "", "": "only-value"])
    #expect(Properties.handDecoded(bytes) == reference)
  }

  @Test func unknownFieldsAreLeftToSwiftProtobufAndKept() throws {
    var random = RandomWireMessages(seed: 3)
    var request = random.request()
    request.id = "with-unknown"
    let bytes: [UInt8] = try request.serializedBytes() + [0x48, 0x07]  // field 9, varint 7
    #expect(Properties.handDecoded(bytes) == nil)
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
    let bytes = WireBytes.field(2, id)  // the id
    #expect(Properties.handDecoded(bytes) == nil)
    #expect(throws: (any Error).self) { try bytes.withUnsafeBytes { try Map_V1_MapRequest.decoded(from: $0) } }
  }

  @Test func bytesThatAreNoRequestGetGRPCSwiftProtobufsError() {
    let error = #expect(throws: RPCError.self) {
      try HandDecodingDeserializer<Map_V1_MapRequest>().deserialize([0x12, 0x09] as [UInt8])
    }
    #expect(error?.code == .invalidArgument)
  }
}
