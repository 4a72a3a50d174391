import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import NumaflowCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct WorkerFrameTests {
  func decoder(maxFrameSize: Int = 1024) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WorkerFrameDecoder(maxFrameSize: maxFrameSize)))
    return channel
  }

  func encoded(_ frames: [WorkerFrame]) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    for frame in frames { frame.write(to: &buffer) }
    return buffer
  }

  @Test func framesSplitAtEveryByteComeOutWhole() throws {
    let frames = [
      WorkerFrame(sequence: 0, kind: .request, payload: ByteBuffer(string: "first")),
      WorkerFrame(sequence: 1 << 40, kind: .failure, payload: ByteBuffer(string: #"{"summary":"x"}"#)),
      WorkerFrame(sequence: 7, kind: .shutdown, payload: ByteBuffer()),
    ]
    let channel = try decoder()
    var bytes = try encoded(frames)
    while let byte = bytes.readSlice(length: 1) { try channel.writeInbound(byte) }

    var decoded: [WorkerFrame] = []
    while let frame = try channel.readInbound(as: WorkerFrame.self) { decoded.append(frame) }
    #expect(decoded.map(\.sequence) == frames.map(\.sequence))
    #expect(decoded.map(\.kind) == frames.map(\.kind))
    #expect(decoded.map(\.payload) == frames.map(\.payload))
    _ = try channel.finish()
  }

  /// Small payloads are copied behind their header; large ones follow it as they are. Either
  /// way the bytes written decode to the frames sent.
  @Test func theWriterSendsSmallFramesWholeAndLargeOnesAfterTheirHeader() throws {
    let channel = EmbeddedChannel(handler: WorkerFrameWriter())
    let frames = [
      WorkerFrame(sequence: 1, kind: .request, payload: ByteBuffer(string: "small")),
      WorkerFrame(sequence: 2, kind: .request, payload: ByteBuffer(repeating: 0x62, count: 100_000)),
    ]
    var written: [ByteBuffer] = []
    for frame in frames {
      try channel.writeOutbound(frame)
      while let buffer = try channel.readOutbound(as: ByteBuffer.self) { written.append(buffer) }
    }
    #expect(written.map(\.readableBytes) == [WorkerFrame.headerSize + 5, WorkerFrame.headerSize, 100_000])
    var bytes = written.reduce(into: ByteBuffer()) { all, part in all.writeImmutableBuffer(part) }
    var decoded: [WorkerFrame] = []
    while let frame = try WorkerFrame.read(from: &bytes, maxFrameSize: 200_000) { decoded.append(frame) }
    #expect(decoded == frames)
    _ = try channel.finish()
  }

  @Test func aFrameOverTheLimitIsRefused() throws {
    let channel = try decoder(maxFrameSize: 64)
    let frame = WorkerFrame(sequence: 1, kind: .response, payload: ByteBuffer(repeating: 0x61, count: 100))
    #expect(throws: WorkerError.self) { try channel.writeInbound(try encoded([frame])) }
  }

  @Test func aLengthTooShortForTheHeaderIsRefused() throws {
    let channel = try decoder()
    var bytes = ByteBuffer()
    bytes.writeInteger(UInt32(8))
    bytes.writeRepeatingByte(0, count: 8)
    #expect(throws: WorkerError.self) { try channel.writeInbound(bytes) }
  }
}

/// A worker's blocking socket, over a real socket pair. Everything the test reads has been
/// written (or the other end closed) before it reads, so no call here waits.
@Suite struct BlockingFrameSocketTests {
  func socketPair() throws -> (CInt, CInt) {
    var pair: [CInt] = [0, 0]
    try #require(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &pair) == 0)
    return (pair[0], pair[1])
  }

  @Test func framesWrittenInPiecesAreReadWholeAndTheEndIsSeen() throws {
    let (near, far) = try socketPair()
    let socket = BlockingFrameSocket(descriptor: near, maxFrameSize: 1024)
    let frames = (0..<3).map {
      WorkerFrame(sequence: UInt64($0), kind: .request, payload: ByteBuffer(string: "r\($0)"))
    }
    var bytes = ByteBuffer()
    for frame in frames { frame.write(to: &bytes) }
    // Two writes that split the second frame's header.
    let split = WorkerFrame.headerSize + 2 + 5
    for part in [
      bytes.getSlice(at: 0, length: split)!, bytes.getSlice(at: split, length: bytes.readableBytes - split)!,
    ] {
      #expect(part.withUnsafeReadableBytes { write(far, $0.baseAddress, $0.count) } == part.readableBytes)
    }
    close(far)

    var read: [WorkerFrame] = []
    while true {
      if let frame = try socket.bufferedFrame() {
        read.append(frame)
      } else if try !socket.fill() {
        break
      }
    }
    #expect(read == frames)
  }

  /// After a request far larger than usual, the worker does not keep a buffer its size.
  @Test(.timeLimit(.minutes(5))) func aHugeRequestsBufferIsLetGoOnceItIsHandled() async throws {
    let (near, far) = try socketPair()
    defer { close(far) }
    let socket = BlockingFrameSocket(descriptor: near, maxFrameSize: 16 << 20)
    var bytes = ByteBuffer()
    WorkerFrame(sequence: 1, kind: .request, payload: ByteBuffer(repeating: 0x61, count: 6 << 20)).write(to: &bytes)
    WorkerFrame(sequence: 2, kind: .request, payload: ByteBuffer(string: "small")).write(to: &bytes)

    // Blocking calls (the socket holds less than the frame), so on threads of their own.
    let threads = NIOThreadPool(numberOfThreads: 2)
    threads.start()
    threads.submit { [bytes] _ in
      var rest = bytes
      while rest.readableBytes > 0 {
        let count = rest.withUnsafeReadableBytes { write(far, $0.baseAddress, $0.count) }
        guard count > 0 else { return }
        rest.moveReaderIndex(forwardBy: count)
      }
    }
    let (sequences, capacity) = try await threads.runIfActive { () -> ([UInt64], Int) in
      var sequences: [UInt64] = []
      while sequences.count < 2 {
        if let frame = try socket.bufferedFrame() { sequences.append(frame.sequence) } else { _ = try socket.fill() }
      }
      return (sequences, socket.inputCapacity)
    }
    #expect(sequences == [1, 2])
    #expect(capacity > BlockingFrameSocket.keptCapacity)

    // The next wait for requests starts from a fresh buffer.
    var next = ByteBuffer()
    WorkerFrame(sequence: 3, kind: .request, payload: ByteBuffer(string: "next")).write(to: &next)
    #expect(next.withUnsafeReadableBytes { write(far, $0.baseAddress, $0.count) } == next.readableBytes)
    let (sequence, after) = try await threads.runIfActive { () -> (UInt64?, Int) in
      _ = try socket.fill()
      return (try socket.bufferedFrame()?.sequence, socket.inputCapacity)
    }
    #expect(sequence == 3)
    #expect(after <= 1 << 20)
    try await threads.shutdownGracefully()
  }

  @Test func queuedRepliesLeaveTogetherOnFlush() throws {
    let (near, far) = try socketPair()
    defer { close(far) }
    let socket = BlockingFrameSocket(descriptor: near, maxFrameSize: 1024)
    let replies = [
      WorkerFrame(sequence: 4, kind: .response, payload: ByteBuffer(string: "four")),
      WorkerFrame(sequence: 5, kind: .failure, payload: ByteBuffer(string: "five")),
    ]
    for reply in replies { try socket.queue(reply) }
    #expect(socket.unwritten == 2 * WorkerFrame.headerSize + 8)
    try socket.flush()
    #expect(socket.unwritten == 0)

    var received = [UInt8](repeating: 0, count: 256)
    let count = recv(far, &received, received.count, CInt(MSG_DONTWAIT))
    var buffer = ByteBuffer(bytes: received.prefix(max(0, count)))
    var decoded: [WorkerFrame] = []
    while let frame = try WorkerFrame.read(from: &buffer, maxFrameSize: 1024) { decoded.append(frame) }
    #expect(decoded == replies)
  }

  /// A handler call that blocks must not hold back the replies queued before it: the
  /// flusher writes them while it runs (the call here returns once the reply has arrived).
  @Test(.timeLimit(.minutes(5))) func aReplyLeavesWhileTheNextHandlerCallBlocks() async throws {
    let (near, far) = try socketPair()
    defer { close(far) }
    var patience = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(far, SOL_SOCKET, SO_RCVTIMEO, &patience, socklen_t(MemoryLayout<timeval>.size))
    let socket = BlockingFrameSocket(descriptor: near, maxFrameSize: 1024)
    var request = ByteBuffer()
    WorkerFrame(sequence: 1, kind: .request, payload: ByteBuffer(string: "next")).write(to: &request)
    #expect(request.withUnsafeReadableBytes { write(far, $0.baseAddress, $0.count) } == request.readableBytes)
    let reply = WorkerFrame(sequence: 0, kind: .response, payload: ByteBuffer(string: "first"))

    // Blocking calls, so on threads of their own rather than Swift's cooperative pool.
    let threads = NIOThreadPool(numberOfThreads: 2)
    threads.start()
    // Straight to a pool thread: a task could wait long for a cooperative thread on a busy core.
    threads.submit { _ in socket.runFlusher() }
    let received = try await threads.runIfActive { () -> [UInt8] in
      #expect(try socket.fill())
      try socket.queue(reply)
      return socket.watching {
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = recv(far, &bytes, bytes.count, 0)
        return Array(bytes.prefix(max(0, count)))
      }
    }
    socket.stopFlusher()
    try await threads.shutdownGracefully()

    var buffer = ByteBuffer(bytes: received)
    #expect(try WorkerFrame.read(from: &buffer, maxFrameSize: 1024) == reply)
  }

  @Test func aFrameOverTheLimitIsRefused() throws {
    let (near, far) = try socketPair()
    let socket = BlockingFrameSocket(descriptor: near, maxFrameSize: 64)
    var bytes = ByteBuffer()
    WorkerFrame(sequence: 1, kind: .request, payload: ByteBuffer(repeating: 0x61, count: 100)).write(to: &bytes)
    #expect(bytes.withUnsafeReadableBytes { write(far, $0.baseAddress, $0.count) } == bytes.readableBytes)
    close(far)
    #expect(try socket.fill())
    #expect(throws: WorkerError.self) { try socket.bufferedFrame() }
  }
}
