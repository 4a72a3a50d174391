import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing
import WireTestSupport

@testable import NumaflowSourceTransformer

/// A transformer's hand codecs against SwiftProtobuf, on random messages from fixed seeds (the
/// properties every kind's hand codecs hold: `HandCodecProperties`).
@Suite struct SourceTransformWireCodingTests {
  typealias Properties = HandCodecProperties<
    Sourcetransformer_V1_SourceTransformRequest, Sourcetransformer_V1_SourceTransformResponse
  >

  static let properties = Properties(
    request: { $0.transformRequest() }, response: { $0.transformResponse(nacks: $1) },
    datum: { try $0.request.serializedBytes() }, resultCount: \.results.count)

  @Test(arguments: HandCodecProperty.allCases)
  func handCodecsHold(_ property: HandCodecProperty) throws {
    let failures = try Self.properties.failures(of: property)
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func theDatumsIdAndMetadataAreReadAtTheirOwnNumbers() throws {
    // Unlike a map request, a transformer's datum holds its id (6) and metadata at 7.
    typealias Wire = WireBytes
    let header = Wire.field(5, Wire.field(1, text: "h") + Wire.field(2, text: "1"))
    let datum = Wire.field(2, text: "v") + header + Wire.field(6, text: "id-7")
    let bytes = Wire.field(1, datum + Wire.field(7, Wire.field(1, text: "in")))
    let reference = try Sourcetransformer_V1_SourceTransformRequest(serializedBytes: bytes)
    #expect(reference.request.id == "id-7" && reference.request.metadata.previousVertex == "in")
    #expect(Properties.handDecoded(bytes) == reference)
  }
}
