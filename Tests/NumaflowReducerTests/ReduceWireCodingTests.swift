import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing
import WireTestSupport

@testable import NumaflowReducer

/// A reducer's hand codecs against SwiftProtobuf, on random messages from fixed seeds (the
/// properties every kind's hand codecs hold: `HandCodecProperties`).
@Suite struct ReduceWireCodingTests {
  typealias Properties = HandCodecProperties<Reduce_V1_ReduceRequest, Reduce_V1_ReduceResponse>

  static let properties = Properties(
    request: { $0.reduceRequest() }, response: { $0.reduceResponse(others: $1) },
    datum: { try $0.payload.serializedBytes() }, resultCount: { $0.hasResult ? 1 : 0 })

  @Test(arguments: HandCodecProperty.allCases)
  func handCodecsHold(_ property: HandCodecProperty) throws {
    let failures = try Self.properties.failures(of: property)
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func anOperationsEventIsReadAsProtobufReadsAnEnum() throws {
    // An event protobuf does not name is kept as its number; a varint wider than 32 bits is cut
    // to its low 32 bits (4 + 2^32 reads as APPEND).
    typealias Wire = WireBytes
    for bits: UInt64 in [4, 1, 7, (1 << 32) + 4, UInt64(bitPattern: -2)] {
      var event = [UInt8(0x08)]
      var rest = bits
      while rest >= 0x80 {
        event.append(UInt8(truncatingIfNeeded: rest) | 0x80)
        rest >>= 7
      }
      event.append(UInt8(rest))
      let bytes = Wire.field(2, event + Wire.field(2, Wire.field(3, text: "slot-0")))
      let reference = try Reduce_V1_ReduceRequest(serializedBytes: bytes)
      #expect(Properties.handDecoded(bytes) == reference, "event \(bits)")
    }
  }
}
