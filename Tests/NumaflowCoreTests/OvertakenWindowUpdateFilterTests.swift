import GRPCNIOTransportHTTP2Posix
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP2
import Testing

@testable import NumaflowCore

/// The filter drops swift-nio-http2's refusal of a WINDOW_UPDATE overtaken by END_STREAM, and
/// nothing else, at the place in each pipeline where the error arrives.
struct OvertakenWindowUpdateFilterTests {
  let overtaken = NIOHTTP2Errors.badStreamStateTransition(from: .halfClosedRemoteLocalActive)
  let callbacks = HTTP2ServerTransport.Config.ChannelDebuggingCallbacks.filteringOvertakenWindowUpdates(
    logger: Logger(label: "test"))

  @Test func onlyTheRefusedWindowUpdateIsDropped() {
    #expect(OvertakenWindowUpdateFilter.isOvertakenWindowUpdate(overtaken))
    // The same refusal in other states is another fault: it goes on.
    for state: NIOHTTP2StreamState in [
      .idle, .fullyOpen, .halfClosedLocalPeerActive, .halfClosedRemoteLocalIdle, .closed,
    ] {
      #expect(
        !OvertakenWindowUpdateFilter.isOvertakenWindowUpdate(NIOHTTP2Errors.badStreamStateTransition(from: state)))
    }
    #expect(!OvertakenWindowUpdateFilter.isOvertakenWindowUpdate(NIOHTTP2Errors.noSuchStream(streamID: 1)))
    #expect(!OvertakenWindowUpdateFilter.isOvertakenWindowUpdate(ChannelError.ioOnClosedChannel))
  }

  /// In a connection the error comes from the HTTP/2 handler's place (its stream multiplexer), so
  /// the filter must sit right after it, before grpc-swift's handler that would close the connection.
  @Test func inAConnectionTheFilterFollowsTheHTTP2Handler() throws {
    let channel = EmbeddedChannel()
    let recorder = ErrorRecorder()
    try channel.pipeline.syncOperations.addHandlers([NIOHTTP2Handler(mode: .server), recorder])
    try callbacks.onAcceptTCPConnection?(channel).wait()

    let http2 = try channel.pipeline.syncOperations.context(handlerType: NIOHTTP2Handler.self)
    http2.fireErrorCaught(overtaken)
    #expect(recorder.errors.isEmpty)
    http2.fireErrorCaught(NIOHTTP2Errors.noSuchStream(streamID: 3))
    #expect(recorder.errors.count == 1)
  }

  /// In a stream the error enters at the head of the pipeline, before grpc-swift's stream
  /// handler that would cancel the call.
  @Test func inAStreamTheFilterComesFirst() throws {
    let channel = EmbeddedChannel()
    let recorder = ErrorRecorder()
    try channel.pipeline.syncOperations.addHandler(recorder)
    try callbacks.onAcceptHTTP2Stream?(channel).wait()

    channel.pipeline.fireErrorCaught(overtaken)
    #expect(recorder.errors.isEmpty)
    channel.pipeline.fireErrorCaught(NIOHTTP2Errors.badStreamStateTransition(from: .fullyOpen))
    #expect(recorder.errors.count == 1)
  }
}

/// The errors that reach it.
private final class ErrorRecorder: ChannelInboundHandler {
  typealias InboundIn = Any
  var errors: [any Error] = []

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    errors.append(error)
  }
}
