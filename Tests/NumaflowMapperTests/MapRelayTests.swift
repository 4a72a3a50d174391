import Foundation
import GRPCCore
import GRPCNIOTransportCore
import NIOCore
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Testing

@testable import NumaflowMapper

/// Multiprocess mode reads only a request's head: it must tell the same things the whole
/// request does, and keep the request's bytes as numa sent them.
@Suite struct MapRelayTests {
  /// Multiprocess map's deserializer: the head, classified as `MapFn` classifies requests.
  let deserializer = RelayDeserializer { .of(try MapRequestHead($0)) }

  func request(_ build: (inout Map_V1_MapRequest) -> Void) -> Map_V1_MapRequest {
    var request = Map_V1_MapRequest()
    build(&request)
    return request
  }

  @Test func aHeadIsClassifiedAsItsWholeRequest() throws {
    let requests = [
      request { $0.handshake.sot = true },
      request { $0.handshake.sot = false },
      request { $0.status.eot = true },
      request { $0.id = "no-payload" },
      request {
        $0.id = "r-1"
        $0.request.keys = ["k", "é"]
        $0.request.value = Data("value".utf8)
        $0.request.headers = ["h": "v"]
        $0.request.eventTime.seconds = 1_700_000_000
      },
    ]
    for request in requests {
      let bytes: [UInt8] = try request.serializedBytes()
      let relayed = try deserializer.deserialize(GRPCNIOTransportBytes(bytes))
      typealias Kind = StreamShape<Map_V1_MapRequest, Map_V1_MapResponse>.Kind
      #expect(String(describing: relayed.kind) == String(describing: Kind.of(request)))
      #expect(Array(relayed.bytes.readableBytesView) == bytes)
    }
  }

  /// What protobuf allows besides the plain fields: a message encoded twice merges; fields the
  /// head does not know (of every wire type, groups included), and known fields of a wire type
  /// they cannot have, are skipped.
  @Test func aHeadReadsWhatSwiftProtobufReads() throws {
    let datum: [UInt8] = try request {
      $0.id = "r-2"; $0.request.value = Data("v".utf8)
    }.serializedBytes()
    let inputs: [[UInt8]] = [
      [0x1A, 0x02, 0x08, 0x01, 0x1A, 0x00],  // handshake { sot: true } then handshake {}: sot stays true
      [0x22, 0x02, 0x08, 0x01, 0x22, 0x02, 0x08, 0x00],  // status eot true, then false
      datum + [0x48, 0x07] + [0x51] + [UInt8](repeating: 0, count: 8) + [0x5D, 0, 0, 0, 0],  // fields 9-11
      datum + [0x5B, 0x08, 0x01, 0x63, 0x64, 0x5C],  // group 11, a group 12 inside it
      [0x12, 0x01, 0x61, 0x12, 0x01, 0x62],  // id twice: the last wins
      [0x12, 0x01, 0x61, 0x10, 0x05],  // then an id encoded as a number: skipped
    ]
    for bytes in inputs {
      let whole = try Map_V1_MapRequest(serializedBytes: bytes)
      let head = try bytes.withUnsafeBytes { try MapRequestHead($0) }
      #expect(head.id == whole.id)
      #expect(head.hasRequest == whole.hasRequest)
      #expect(head.hasHandshake == whole.hasHandshake && head.handshake == whole.handshake)
      #expect(head.hasStatus == whole.hasStatus && head.status == whole.status)
    }
  }

  @Test(
    arguments: [
      [0x0A, 0xFF, 0x01, 0x42],  // field 1 claims more bytes than there are
      [0x12, 0x02, 0xC3, 0x28],  // an id that is not UTF-8
      [0x1A, 0x02, 0x0D, 0x00],  // a handshake whose sot is a fixed32 cut short
      [0x5B, 0x08, 0x01],  // a group that does not end
      [0x5C],  // a group that ends before it starts
      [0x00, 0x01],  // field number 0
      [0x0F],  // wire type 7
      [0x10, 0xFF, 0xFF],  // a varint cut short
    ] as [[UInt8]])
  func aHeadThatDoesNotParseIsAnInvalidArgument(bytes: [UInt8]) {
    #expect(throws: RPCError.self) { try deserializer.deserialize(GRPCNIOTransportBytes(bytes)) }
    #expect((try? Map_V1_MapRequest(serializedBytes: bytes)) == nil, "SwiftProtobuf refuses it too")
  }

  @Test func groupsNestOnlySoDeep() throws {
    let nested = [UInt8](repeating: 0x5B, count: 101) + [UInt8](repeating: 0x5C, count: 101)
    #expect(throws: RPCError.self) { try deserializer.deserialize(GRPCNIOTransportBytes(nested)) }
    let shallow = [UInt8](repeating: 0x5B, count: 100) + [UInt8](repeating: 0x5C, count: 100)
    let kind = try deserializer.deserialize(GRPCNIOTransportBytes(shallow)).kind
    #expect(String(describing: kind).hasPrefix("invalid"), "groups only: no datum")
  }

  @Test func anEncodedResponseCountsItsResults() throws {
    var response = Map_V1_MapResponse()
    response.id = "r-1"
    response.results = (0..<3).map { _ in Map_V1_MapResponse.Result() }
    #expect(MapService.resultCount(try EncodedResponse(response)) == 3)
    #expect(MapService.resultCount(try EncodedResponse(Map_V1_MapResponse.handshakeReply)) == 0)
  }
}
