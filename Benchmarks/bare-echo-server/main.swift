// The benchmark's baseline: a grpc-swift-2 map.v1.Map server with no SDK in it. It answers
// the handshake, then echoes each request inline as one result; it writes no server-info.
// With --source it serves source.v1.Source instead: each read writes its count of counter
// messages (each with a random x-txn-id header, as the reference's simple source), one write
// each, then the EOT; each ack is answered inline. With --sink it serves sink.v1.Sink: each
// batch is answered at its EOT with one message of success results, then the EOT.
//
// usage: bare-echo-server SOCKET_PATH [--window BYTES] [--source | --sink]
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

struct SourceEchoService: Source_V1_Source.SimpleServiceProtocol {
  final class Counter: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    func take() -> Int {
      lock.withLock {
        defer { next += 1 }; return next
      }
    }
  }
  let counter = Counter()

  func readFn(
    request: RPCAsyncSequence<Source_V1_ReadRequest, any Error>,
    response: RPCWriter<Source_V1_ReadResponse>,
    context: ServerContext
  ) async throws {
    for try await message in request {
      var reply = Source_V1_ReadResponse()
      if message.hasHandshake {
        reply.handshake.sot = true
        try await response.write(reply)
        continue
      }
      for _ in 0..<message.request.numRecords {
        let index = counter.take()
        var record = Source_V1_ReadResponse()
        record.result.payload = Data(String(index + 1).utf8)
        record.result.offset.offset = Data(String(index).utf8)
        record.result.eventTime = Google_Protobuf_Timestamp(date: Date())
        record.result.headers = ["x-txn-id": UUID().uuidString]
        try await response.write(record)
      }
      reply.status.eot = true
      try await response.write(reply)
    }
  }

  func ackFn(
    request: RPCAsyncSequence<Source_V1_AckRequest, any Error>,
    response: RPCWriter<Source_V1_AckResponse>,
    context: ServerContext
  ) async throws {
    for try await message in request {
      var reply = Source_V1_AckResponse()
      reply.result.success = Google_Protobuf_Empty()
      if message.hasHandshake { reply.handshake.sot = true }
      try await response.write(reply)
    }
  }

  func nackFn(request: Source_V1_NackRequest, context: ServerContext) async throws -> Source_V1_NackResponse {
    var reply = Source_V1_NackResponse()
    reply.result.success = Google_Protobuf_Empty()
    return reply
  }

  func pendingFn(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Source_V1_PendingResponse {
    Source_V1_PendingResponse()
  }

  func partitionsFn(request: Google_Protobuf_Empty, context: ServerContext) async throws
    -> Source_V1_PartitionsResponse
  {
    var reply = Source_V1_PartitionsResponse()
    reply.result.partitions = [0]
    return reply
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Source_V1_ReadyResponse {
    var ready = Source_V1_ReadyResponse()
    ready.ready = true
    return ready
  }
}

struct SinkEchoService: Sink_V1_Sink.SimpleServiceProtocol {
  func sinkFn(
    request: RPCAsyncSequence<Sink_V1_SinkRequest, any Error>,
    response: RPCWriter<Sink_V1_SinkResponse>,
    context: ServerContext
  ) async throws {
    var results: [Sink_V1_SinkResponse.Result] = []
    for try await message in request {
      var reply = Sink_V1_SinkResponse()
      if message.hasHandshake {
        reply.handshake.sot = true
        try await response.write(reply)
      } else if message.hasStatus && message.status.eot {
        reply.results = results
        results.removeAll(keepingCapacity: true)
        var end = Sink_V1_SinkResponse()
        end.status.eot = true
        try await response.write(contentsOf: [reply, end])
      } else {
        var result = Sink_V1_SinkResponse.Result()
        result.id = message.request.id
        results.append(result)
      }
    }
  }

  func isReady(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Sink_V1_ReadyResponse {
    var ready = Sink_V1_ReadyResponse()
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
let service: any RegistrableRPCService =
  if arguments.contains("--source") {
    SourceEchoService()
  } else if arguments.contains("--sink") {
    SinkEchoService()
  } else {
    EchoService()
  }
let server = GRPCServer(transport: transport, services: [service])
try await server.serve()
