import GRPCNIOTransportHTTP2Posix
import Logging
import NIOCore
import NIOHTTP2

/// Keeps a stream, and the connection carrying it, alive when swift-nio-http2 refuses to send a
/// stream's WINDOW_UPDATE that the client's END_STREAM overtook.
///
/// The race: a stream hands swift-nio-http2 a WINDOW_UPDATE while the connection's socket is
/// full (the client is slow to read the answers); the frame waits in the connection's buffer.
/// The client then ends its side of the stream. When the socket drains, the buffered frame goes
/// out to a stream now half-closed by the client, and swift-nio-http2 1.46 fails it with
/// `BadStreamStateTransition(fromState: halfClosedRemoteLocalActive)` (RFC 9113 allows the
/// frame; it would have told the client nothing it needs). It reports that to the stream, whose
/// gRPC handler then cancels the call, and down the connection, where grpc-swift-nio-transport
/// 2.9 closes the connection on any error it does not know. Either way the answers still
/// buffered are lost: the client sees the stream cut ("Socket closed"). It takes a slow reader
/// that then half-closes, which numa does only when it ends a stream; C-core's benchmark client,
/// ending each run, met it in one multiprocess 10 KiB run in 50 to 500, depending on the day.
///
/// In that state the server sends nothing else swift-nio-http2 refuses (DATA and trailers are
/// allowed), and a client's own frame after END_STREAM is answered by swift-nio-http2 with
/// RST_STREAM whatever the error's fate; so this error, and only it, is dropped, at the head of
/// each stream's pipeline and right after the HTTP/2 handler in the connection's
/// (`OvertakenWindowUpdateFilterTests`; the race itself in `Benchmarks/README.md`).
final class OvertakenWindowUpdateFilter: ChannelInboundHandler {
  typealias InboundIn = Any

  private let logger: Logger

  init(logger: Logger) {
    self.logger = logger
  }

  /// Whether `error` is swift-nio-http2 refusing to send a WINDOW_UPDATE after the client's
  /// END_STREAM.
  static func isOvertakenWindowUpdate(_ error: any Error) -> Bool {
    (error as? NIOHTTP2Errors.BadStreamStateTransition)?.fromState == .halfClosedRemoteLocalActive
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard Self.isOvertakenWindowUpdate(error) else {
      context.fireErrorCaught(error)
      return
    }
    logger.debug(
      "dropped a stream WINDOW_UPDATE that the client's END_STREAM overtook", metadata: ["error": "\(error)"])
  }
}

extension HTTP2ServerTransport.Config.ChannelDebuggingCallbacks {
  /// Installs an ``OvertakenWindowUpdateFilter`` in every connection and stream the server accepts.
  static func filteringOvertakenWindowUpdates(logger: Logger) -> Self {
    .init(
      onBindTCPListener: nil,
      onAcceptTCPConnection: { channel in
        channel.eventLoop.makeCompletedFuture {
          let pipeline = channel.pipeline.syncOperations
          let http2 = try pipeline.handler(type: NIOHTTP2Handler.self)
          try pipeline.addHandler(OvertakenWindowUpdateFilter(logger: logger), position: .after(http2))
        }
      },
      onAcceptHTTP2Stream: { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(OvertakenWindowUpdateFilter(logger: logger), position: .first)
        }
      }
    )
  }
}
