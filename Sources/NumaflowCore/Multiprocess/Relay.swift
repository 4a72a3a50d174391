import GRPCCore
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

  /// A relay of requests whose head is `Head`.
  /// - Parameters:
  ///   - id: The request's id, for errors about it.
  ///   - outputs: The outputs a response carries, for metrics (called only when metrics are on).
  ///   - service: The kind's service over relayed messages, with the handler that relays them.
  package static func of<Head: SwiftProtobuf.Message>(
    _ head: Head.Type,
    id: @escaping @Sendable (Head) -> String,
    outputs: @escaping @Sendable (EncodedResponse) -> Int,
    service:
      @escaping @Sendable (RequestHandler<RelayedRequest<Head>, EncodedResponse>, ServerLifecycle) ->
      any RegistrableRPCService
  ) -> Relay {
    Relay { name, dispatcher, lifecycle in
      let handler = RequestHandler<RelayedRequest<Head>, EncodedResponse>(
        name: name,
        call: { request in
          EncodedResponse(bytes: try await dispatcher.call(request.bytes, id: id(request.head)))
        },
        submit: { request, completion in
          dispatcher.submit(request.bytes, id: id(request.head)) { completion($0.map(EncodedResponse.init(bytes:))) }
        }
      )
      // One datum per call; a call to a worker counts with its round trip.
      let description = CallDescription<RelayedRequest<Head>, EncodedResponse>(
        datums: { _ in [] }, count: { _ in 1 }, outputs: outputs)
      return service(handler.measured(lifecycle.telemetry.metrics, description), lifecycle)
    }
  }
}
