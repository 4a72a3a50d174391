import Foundation
import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2Posix
import NumaflowCore

/// Runs `body` with a client connected to a server on a Unix socket, configured as numa's
/// client is: 64 MiB messages in both directions (tests of the server's own limit raise it).
package func withUnixSocketClient<Result: Sendable>(
  path: String,
  maxMessageSize: Int = 64 * 1024 * 1024,
  _ body: @Sendable @escaping (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
) async throws -> Result {
  let transport = try HTTP2ClientTransport.Posix(
    target: .unixDomainSocket(path: path),
    transportSecurity: .plaintext,
    config: .defaults { config in
      config.http2.targetWindowSize = 8 * 1024 * 1024
      config.http2.maxFrameSize = 1 << 20
    },
    serviceConfig: ServiceConfig(methodConfig: [
      MethodConfig(
        names: [MethodConfig.Name(service: "")],
        maxRequestMessageBytes: maxMessageSize,
        maxResponseMessageBytes: maxMessageSize
      )
    ])
  )
  return try await withTestGRPCClient(transport: transport, body)
}

/// Serves `services` in-process and runs `body` with a client connected to them.
package func withInProcessServer<Result: Sendable>(
  services: [any RegistrableRPCService],
  _ body: @Sendable @escaping (GRPCClient<InProcessTransport.Client>) async throws -> Result
) async throws -> Result {
  let transport = InProcessTransport()
  return try await withGRPCServer(transport: transport.server, services: services) { _ in
    try await withTestGRPCClient(transport: transport.client, body)
  }
}

/// `withGRPCClient`, except that a body which makes no call (a reduce of no datums) is no
/// error: grpc-swift refuses to start the connections of a client whose body has already
/// returned, and `withGRPCClient` throws that refusal.
private func withTestGRPCClient<Transport: ClientTransport, Result: Sendable>(
  transport: Transport,
  _ body: @Sendable @escaping (GRPCClient<Transport>) async throws -> Result
) async throws -> Result {
  let client = GRPCClient(transport: transport)
  return try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask {
      do {
        try await client.runConnections()
      } catch let error as RuntimeError where error.code == .clientIsStopped {
        // Shut down before it started: the body made no call.
      }
    }
    let result: Result
    do {
      result = try await body(client)
    } catch {
      client.beginGracefulShutdown()
      throw error
    }
    client.beginGracefulShutdown()
    try await group.waitForAll()
    return result
  }
}

/// A test's view of a runtime directory it can inspect: a fresh temporary directory.
package func makeTemporaryDirectory(prefix: String = "numaflow-swift") throws -> String {
  let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
