// The benchmark's baseline: a grpc-swift-2 map.v1.Map server with no SDK in it. It answers
// the handshake, then echoes each request inline as one result; it writes no server-info.
//
// usage: bare-echo-server SOCKET_PATH [--window BYTES]
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GRPCProtobuf
import NumaflowProtos
import SwiftProtobuf

struct EchoService: Map_V1_Map.SimpleServiceProtocol {
  func mapFn(
    request: RPCAsyncSequence<Map_V1_MapRequest, any Error>,
    response: RPCWriter<Map_V1_MapResponse>,
    context: ServerContext
  ) async throws {
    for try await message in request {
      var reply = Map_V1_MapResponse()
      if message.hasHandshake {
        reply.handshake.sot = true
      } else {
        reply.id = message.id
        var result = Map_V1_MapResponse.Result()
        result.keys = message.request.keys
        result.value = message.request.value
        reply.results = [result]
      }
      try await response.write(reply)
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Map_V1_ReadyResponse {
    var ready = Map_V1_ReadyResponse()
    ready.ready = true
    return ready
  }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  FileHandle.standardError.write(Data("usage: bare-echo-server SOCKET_PATH [--window BYTES]\n".utf8))
  exit(2)
}
let window = arguments.firstIndex(of: "--window").flatMap { Int(arguments[$0 + 1]) }
try? FileManager.default.removeItem(atPath: arguments[1])
let transport = HTTP2ServerTransport.Posix(
  address: .unixDomainSocket(path: arguments[1]),
  transportSecurity: .plaintext,
  config: .defaults { config in
    config.rpc.maxRequestPayloadSize = 64 * 1024 * 1024
    if let window { config.http2.targetWindowSize = window }
  }
)
let server = GRPCServer(transport: transport, services: [EchoService()])
try await server.serve()
