import Logging
import NIOCore
import NIOPosix

/// The server process's end of one worker's socket, driven by NIO itself: frames to the worker
/// are written on the socket's event loop and flushed once per turn of the loop, and each reply
/// goes to `received` on that loop as soon as it is decoded.
///
/// No task, async sequence or writer per frame: as an `NIOAsyncChannel` with a writer task,
/// these hand-offs cost about a fifth of the server process's CPU per message (map, 2 workers,
/// 100 B, perf). What waits to be written is bounded by numa's streams, which bound what they
/// have in flight.
final class WorkerConnection: Sendable {
  let channel: any Channel
  /// Whether a flush is already scheduled for this turn of the loop.
  private let flushScheduled: NIOLoopBoundBox<Bool>

  private init(channel: any Channel) {
    self.channel = channel
    self.flushScheduled = .makeBoxSendingValue(false, eventLoop: channel.eventLoop)
  }

  /// Wraps one end of a worker socket pair, taking ownership of the descriptor, on
  /// `eventLoop` (or NIO's shared group). `received` gets every frame the worker sends, on the
  /// socket's event loop. A frame that cannot be read (too long, too short) closes the
  /// connection, and `logger` says why.
  static func adopting(
    descriptor: CInt,
    maxMessageSize: Int,
    eventLoop: (any EventLoop)?,
    logger: Logger,
    received: @escaping @Sendable (WorkerFrame) -> Void
  ) async throws -> WorkerConnection {
    let channel = try await ClientBootstrap(group: eventLoop ?? MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let decoder = WorkerFrameDecoder(maxFrameSize: WorkerFrame.maxSize(carrying: maxMessageSize))
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
          try channel.pipeline.syncOperations.addHandler(WorkerFrameWriter())
          try channel.pipeline.syncOperations.addHandler(ReplyHandler(received: received, logger: logger))
        }
      }
      .withConnectedSocket(descriptor)
      .get()
    return WorkerConnection(channel: channel)
  }

  /// Queues `frame` for the worker, from any thread, without waiting. The frames sent during
  /// one turn of the event loop leave in one write. A frame sent after the connection has
  /// closed is dropped: the worker is gone, and its supervisor fails what it held.
  func send(_ frame: WorkerFrame) {
    if channel.eventLoop.inEventLoop {
      write(frame)
    } else {
      channel.eventLoop.execute { self.write(frame) }
    }
  }

  private func write(_ frame: WorkerFrame) {
    channel.write(frame, promise: nil)
    guard !flushScheduled.value else { return }
    flushScheduled.value = true
    channel.eventLoop.execute {
      self.flushScheduled.value = false
      self.channel.flush()
    }
  }

  /// Waits until the connection has closed (the worker closed its end or exited, or a frame
  /// could not be read); cancelling the wait closes it.
  func closed() async {
    await withTaskCancellationHandler {
      try? await channel.closeFuture.get()
    } onCancel: {
      channel.close(promise: nil)
    }
  }
}

/// Hands each decoded frame on; an unreadable stream of frames closes the connection.
private final class ReplyHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = WorkerFrame

  let received: @Sendable (WorkerFrame) -> Void
  let logger: Logger

  init(received: @escaping @Sendable (WorkerFrame) -> Void, logger: Logger) {
    (self.received, self.logger) = (received, logger)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    received(unwrapInboundIn(data))
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    logger.warning("closing a worker's connection", metadata: ["error": "\(error)"])
    context.close(promise: nil)
  }
}
