import NIOCore
import NIOPosix

typealias WorkerChannel = NIOAsyncChannel<WorkerFrame, WorkerFrame>

extension WorkerChannel {
  /// Wraps one end of a worker socket pair, taking ownership of the descriptor, on
  /// `eventLoop` (or NIO's shared group).
  static func adopting(
    descriptor: CInt, maxMessageSize: Int, eventLoop: (any EventLoop)? = nil
  ) async throws -> WorkerChannel {
    try await ClientBootstrap(group: eventLoop ?? MultiThreadedEventLoopGroup.singleton)
      .withConnectedSocket(descriptor) { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WorkerFrameDecoder(maxFrameSize: WorkerFrame.maxSize(carrying: maxMessageSize)))
          )
          try channel.pipeline.syncOperations.addHandler(WorkerFrameWriter())
          return try WorkerChannel(wrappingChannelSynchronously: channel)
        }
      }
  }
}
