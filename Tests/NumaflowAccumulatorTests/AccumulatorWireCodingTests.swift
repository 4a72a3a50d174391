import NIOCore
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing
import WireTestSupport

@testable import NumaflowAccumulator

/// An accumulator's hand codecs against SwiftProtobuf, on random messages from fixed seeds (the
/// properties every kind's hand codecs hold: `HandCodecProperties`).
@Suite struct AccumulatorWireCodingTests {
  typealias Properties = HandCodecProperties<Accumulator_V1_AccumulatorRequest, Accumulator_V1_AccumulatorResponse>

  static let properties = Properties(
    request: { $0.accumulatorRequest() }, response: { $0.accumulatorResponse(others: $1) },
    datum: { try $0.payload.serializedBytes() }, resultCount: { $0.hasPayload ? 1 : 0 })

  @Test(arguments: HandCodecProperty.allCases)
  func handCodecsHold(_ property: HandCodecProperty) throws {
    let failures = try Self.properties.failures(of: property)
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func headersWithEmptyKeysOrValuesEncodeAsSwiftProtobufDoes() throws {
    // A map entry's key and value are both written, even empty, as SwiftProtobuf writes them
    // (prost reads either way).
    var response = Accumulator_V1_AccumulatorResponse()
    response.payload.headers = ["": "value", "key": ""]
    response.payload.id = "id-1"
    let reference: [UInt8] = try response.serializedBytes()
    #expect(response.handEncodedSize == reference.count)
    #expect(Array(try response.encodedBuffer().readableBytesView) == reference)
  }
}
