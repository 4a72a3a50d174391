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
  let deserializer = RelayDeserializer { .of(try Relay_MapRequestHead(serializedBytes: $0, options: .headOnly)) }

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

  @Test func aHeadThatDoesNotParseIsAnInvalidArgument() {
    // Field 1 claims more bytes than there are.
    #expect(throws: RPCError.self) {
      try deserializer.deserialize(GRPCNIOTransportBytes([0x0A, 0xFF, 0x01, 0x42]))
    }
  }

  @Test func anEncodedResponseCountsItsResults() throws {
    var response = Map_V1_MapResponse()
    response.id = "r-1"
    response.results = (0..<3).map { _ in Map_V1_MapResponse.Result() }
    #expect(MapService.resultCount(try EncodedResponse(response)) == 3)
    #expect(MapService.resultCount(try EncodedResponse(Map_V1_MapResponse.handshakeReply)) == 0)
  }
}
