import GRPCCore
import GRPCProtobuf
import NIOCore
import SwiftProtobuf

/// How a unary kind (map, source transform) serves numa in multiprocess mode without decoding
/// what it passes on: the server process reads each request's head only
/// (``RelayedRequest``), hands its bytes to a worker, and writes the worker's encoded response
/// to numa as it is (``EncodedResponse``). The worker decodes the request and encodes the
/// response, as it must anyway. A kind gives its relay to ``ServerHost``; without one, the
/// server process decodes requests and re-encodes them for its workers.
package struct Relay: Sendable {
  let makeService: @Sendable (_ handlerName: String, WorkerDispatcher, ServerLifecycle) -> any RegistrableRPCService

  /// A relay of the requests of `stream`, a stream with one response per request.
  /// - Parameters:
  ///   - stream: The kind's stream method (`MapFn`, `SourceTransformFn`).
  ///   - rpc: How errors name the stream.
  ///   - head: Reads an encoded request's head (``WireFields``) and says what the request is.
  ///   - handshakeReply: The answer to numa's handshake.
  ///   - outputs: The outputs a response carries, for metrics (called only when metrics are on).
  ///   - isReady: The kind's health check, answered with `Ready.ready`.
  package static func of<Ready: ReadyResponse>(
    stream: MethodDescriptor,
    rpc: String,
    head: @escaping @Sendable (UnsafeRawBufferPointer) throws -> RelayedRequest.Kind,
    handshakeReply: some SwiftProtobuf.Message,
    outputs: @escaping @Sendable (EncodedResponse) -> Int,
    isReady: MethodDescriptor,
    answering _: Ready.Type
  ) -> Relay {
    let shape = StreamShape<RelayedRequest, EncodedResponse>(
      rpc: rpc, classify: \.kind, handshakeResponse: try? EncodedResponse(handshakeReply), cost: \.count)
    let deserializer = RelayDeserializer(classify: head)
    return Relay { name, dispatcher, lifecycle in
      let handler = RequestHandler<RelayedRequest, EncodedResponse>(
        name: name,
        call: { request in EncodedResponse(bytes: try await dispatcher.call(request.bytes, id: request.id)) },
        submit: { request, completion in
          dispatcher.submit(request.bytes, id: request.id) { completion($0.map(EncodedResponse.init(bytes:))) }
        }
      )
      // One datum per call; a call to a worker counts with its round trip.
      let description = CallDescription<RelayedRequest, EncodedResponse>(
        datums: { _ in [] }, count: { _ in 1 }, outputs: outputs)
      return RelayService<Ready>(
        stream: stream, isReady: isReady, shape: shape, deserializer: deserializer,
        handler: handler.measured(lifecycle.telemetry.metrics, description), lifecycle: lifecycle)
    }
  }
}

/// A kind's service in multiprocess mode with a ``Relay``: its stream, served by the unary
/// loop as in every mode (same handshake, bounds and errors), over relayed messages; and its
/// health check.
private struct RelayService<Ready: ReadyResponse>: RegistrableRPCService {
  let stream: MethodDescriptor
  let isReady: MethodDescriptor
  let shape: StreamShape<RelayedRequest, EncodedResponse>
  let deserializer: RelayDeserializer
  let handler: RequestHandler<RelayedRequest, EncodedResponse>
  let lifecycle: ServerLifecycle

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    let (shape, handler, lifecycle) = (self.shape, self.handler, self.lifecycle)
    router.registerHandler(
      forMethod: stream, deserializer: deserializer, serializer: EncodedResponseSerializer()
    ) { request, _ in
      StreamingServerResponse { writer in
        try await OutboundQueue.withQueue(writingTo: writer, shape: shape, lifecycle: lifecycle) { outbound in
          try await serveOneResponsePerRequest(
            requests: request.messages, outbound: outbound, shape: shape, handler: handler, lifecycle: lifecycle)
        }
        return [:]
      }
    }
    router.registerIsReady(isReady, answering: Ready.self)
  }
}
