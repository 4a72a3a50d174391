import NIOCore
import NumaflowCore
import NumaflowProtos
import NumaflowTesting
import SwiftProtobuf
import Testing
import WireTestSupport

@testable import NumaflowSinker

/// A sink's hand codecs against SwiftProtobuf, on random messages from fixed seeds (the
/// properties every kind's hand codecs hold: `HandCodecProperties`).
@Suite struct SinkWireCodingTests {
  typealias Properties = HandCodecProperties<Sink_V1_SinkRequest, Sink_V1_SinkResponse>

  static let properties = Properties(
    request: { $0.sinkRequest() }, response: { $0.sinkResponse(nacks: $1) },
    datum: { try $0.request.serializedBytes() }, resultCount: \.results.count,
    throughWorker: { request, response in
      // A worker gets a batch of requests and answers with the batch's results.
      let codec = WorkerCodec<[Sink_V1_SinkRequest], [Sink_V1_SinkResponse.Result]>.handCodedBatches(
        requestID: \.request.id)
      var carried = response
      carried.results = try codec.decodeResponse(codec.encodeResponse(response.results))
      return (try codec.decodeRequest(codec.encodeRequest([request, request, request])), carried)
    })

  @Test(arguments: HandCodecProperty.allCases)
  func handCodecsHold(_ property: HandCodecProperty) throws {
    let failures = try Self.properties.failures(of: property)
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func requestsForWorkersEncodeAsSwiftProtobufDoes() throws {
    // A multiprocess server process writes each request to its worker by hand: the bytes
    // SwiftProtobuf writes, or SwiftProtobuf's own for a request with unknown fields.
    var random = RandomWireMessages(seed: 11)
    var failures: [String] = []
    for index in 0..<2_000 {
      var request = random.sinkRequest()
      if index % 9 == 0 { try request.request.merge(serializedBytes: [0x78, 0x07] as [UInt8]) }  // field 15
      let reference: [UInt8] = try request.serializedBytes()
      let encoded = Array(try request.encodedBuffer().readableBytesView)
      if encoded != reference { failures.append("request \(index) encoded otherwise: \(request)") }
      if index % 9 == 0, request.handEncodedSize != nil { failures.append("request \(index) encoded by hand") }
    }
    #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
  }

  @Test func theDatumsIdAndHeadersAreReadAtTheirOwnNumbers() throws {
    // Unlike the other kinds' datums, a sink's holds its id at 5, its headers at 6, its
    // metadata at 7.
    typealias Wire = WireBytes
    let header = Wire.field(6, Wire.field(1, text: "h") + Wire.field(2, text: "1"))
    let datum = Wire.field(2, text: "v") + Wire.field(5, text: "id-7") + header
    let bytes = Wire.field(1, datum + Wire.field(7, Wire.field(1, text: "in")))
    let reference = try Sink_V1_SinkRequest(serializedBytes: bytes)
    #expect(reference.request.id == "id-7" && reference.request.headers == ["h": "1"])
    #expect(reference.request.metadata.previousVertex == "in")
    #expect(Properties.handDecoded(bytes) == reference)
  }

  @Test func anEndOfBatchAndAHandshakeAreReadAtTheirOwnNumbers() throws {
    // A sink request's status is field 2 and its handshake 3: the map request's other way round.
    let endOfBatch: [UInt8] = try Sink_V1_SinkRequest.endOfBatch.serializedBytes()
    let handshake: [UInt8] = try Sink_V1_SinkRequest.handshakeRequest.serializedBytes()
    #expect(Properties.handDecoded(endOfBatch) == .endOfBatch)
    #expect(Properties.handDecoded(handshake) == .handshakeRequest)
    #expect(Properties.handDecoded(endOfBatch)?.hasHandshake == false)
  }
}
