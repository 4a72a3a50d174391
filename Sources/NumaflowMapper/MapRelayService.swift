import GRPCCore
import GRPCProtobuf
import NumaflowProtos
import SwiftProtobuf

/// The `map.v1.Map` service in multiprocess mode: each `MapFn` request goes to a worker
/// process as numa sent it, and the worker's encoded response back to numa as it is
/// (``Relay``). The stream is served as in the other modes: same handshake, bounds, errors.
struct MapRelayService: RegistrableRPCService {
  typealias Request = RelayedRequest<Relay_MapRequestHead>

  let handler: RequestHandler<Request, EncodedResponse>
  let lifecycle: ServerLifecycle

  static let relay = Relay.of(
    Relay_MapRequestHead.self, id: \.id,
    outputs: { (try? Map_V1_MapResponse(serializedBytes: ProtobufBuffer($0.bytes)))?.results.count ?? 0 },
    service: MapRelayService.init)

  static let shape = StreamShape<Request, EncodedResponse>(
    rpc: "MapFn", classify: { .of($0.head) },
    handshakeResponse: try? EncodedResponse(Map_V1_MapResponse.handshakeReply),
    cost: \.count)

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    let (handler, lifecycle) = (self.handler, self.lifecycle)
    router.registerHandler(
      forMethod: Map_V1_Map.Method.MapFn.descriptor,
      deserializer: RelayDeserializer<Relay_MapRequestHead>(),
      serializer: EncodedResponseSerializer()
    ) { request, _ in
      StreamingServerResponse { writer in
        try await OutboundQueue.withQueue(writingTo: writer, shape: Self.shape, lifecycle: lifecycle) { outbound in
          try await serveOneResponsePerRequest(
            requests: request.messages, outbound: outbound, shape: Self.shape, handler: handler, lifecycle: lifecycle)
        }
        return [:]
      }
    }
    router.registerHandler(
      forMethod: Map_V1_Map.Method.IsReady.descriptor,
      deserializer: ProtobufDeserializer<Google_Protobuf_Empty>(),
      serializer: ProtobufSerializer<Map_V1_ReadyResponse>()
    ) { _, _ in
      StreamingServerResponse(single: ServerResponse(message: .ready))
    }
  }
}
