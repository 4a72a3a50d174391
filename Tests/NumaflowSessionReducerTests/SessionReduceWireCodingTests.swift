import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing
import WireTestSupport

@testable import NumaflowSessionReducer

/// A session reducer's hand codecs against SwiftProtobuf, on random messages from fixed seeds
/// (the properties every kind's hand codecs hold: `HandCodecProperties`).
@Suite struct SessionReduceWireCodingTests {
  typealias Properties = HandCodecProperties<
    Sessionreduce_V1_SessionReduceRequest, Sessionreduce_V1_SessionReduceResponse
  >

  static let properties = Properties(
    request: { $0.sessionReduceRequest() }, response: { $0.sessionReduceResponse(others: $1) },
    datum: { try $0.payload.serializedBytes() }, resultCount: { $0.hasResult ? 1 : 0 })

  @Test(arguments: HandCodecProperty.allCases)
  func handCodecsHold(_ property: HandCodecProperty) throws {
    let failures = try Self.properties.failures(of: property)
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func keyedWindowsKeepTheirKeysInOrder() throws {
    // A MERGE carries several keyed windows, each with its keys: read in the order numa wrote
    // them, the keys of one window apart from the next's.
    typealias Wire = WireBytes
    let window = { (slot: String, keys: [String]) in
      Wire.field(2, Wire.field(3, text: slot) + keys.flatMap { Wire.field(4, text: $0) })
    }
    let bytes = Wire.field(2, [0x08, 0x03] + window("a", ["k1", "k2"]) + window("b", ["k3"]))
    let decoded = try #require(Properties.handDecoded(bytes))
    #expect(decoded == (try Sessionreduce_V1_SessionReduceRequest(serializedBytes: bytes)))
    #expect(decoded.operation.event == .merge)
    #expect(decoded.operation.keyedWindows.map(\.keys) == [["k1", "k2"], ["k3"]])
  }
}
