import NIOCore

#if canImport(Glibc)
import Glibc
private let closeDescriptor = Glibc.close
/// A server process that is gone is an error from `send`, not a SIGPIPE.
private let noSignal = CInt(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
private let closeDescriptor = Darwin.close
private let noSignal: CInt = 0
#endif

/// A worker's end of its socket, read and written with blocking calls by the one thread that
/// runs a synchronous handler: no event loop and no hand-off between threads.
///
/// A worker with a synchronous handler does one thing at a time, so the thread that runs the
/// handler may as well read the requests and write the replies. Replies gather in ``queue(_:)``
/// and leave in one write when ``flush()`` is called: the caller flushes when no whole request
/// is left to handle, so a burst of requests costs one read and one write, not one of each per
/// request (2 workers, 100 B: a worker's CPU per message was ~45% in the event loop and its
/// hand-offs to the handler's thread).
///
/// Never use it on a thread of Swift's cooperative pool: every call may block.
struct BlockingFrameSocket: ~Copyable {
  private let descriptor: CInt
  private let maxFrameSize: Int
  private var input = ByteBuffer()
  private var output = ByteBuffer()

  /// Takes `descriptor`, in blocking mode; it is closed with the socket.
  init(descriptor: CInt, maxFrameSize: Int) {
    self.descriptor = descriptor
    self.maxFrameSize = maxFrameSize
    let flags = fcntl(descriptor, F_GETFL)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
  }

  /// The bytes of replies queued and not yet written.
  var unwritten: Int { output.readableBytes }

  /// The next frame already read in whole, if any; never blocks.
  /// - Throws: ``WorkerError`` for a frame the server process could not have sent.
  mutating func bufferedFrame() throws -> WorkerFrame? {
    try WorkerFrame.read(from: &input, maxFrameSize: maxFrameSize)
  }

  /// Waits for more bytes from the server process and reads what has come.
  /// - Returns: `false` when the server process has closed its end.
  mutating func fill() throws -> Bool {
    input.discardReadBytes()
    let descriptor = self.descriptor
    while true {
      let count = input.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 * 1024) { buffer in
        read(descriptor, buffer.baseAddress, buffer.count)
      }
      if count > 0 { return true }
      if count == 0 { return false }
      guard errno == EINTR else { throw Self.failure("read from", errno: errno) }
    }
  }

  /// Queues `frame` for the next ``flush()``.
  mutating func queue(_ frame: WorkerFrame) {
    frame.write(to: &output)
  }

  /// Writes every queued reply, waiting while the socket is full.
  mutating func flush() throws {
    let descriptor = self.descriptor
    while output.readableBytes > 0 {
      let count = output.withUnsafeReadableBytes { bytes in
        send(descriptor, bytes.baseAddress, bytes.count, noSignal)
      }
      if count >= 0 {
        output.moveReaderIndex(forwardBy: count)
      } else if errno != EINTR {
        throw Self.failure("write to", errno: errno)
      }
    }
    output.clear()
  }

  deinit {
    _ = closeDescriptor(descriptor)
  }

  private static func failure(_ what: String, errno code: CInt) -> WorkerError {
    WorkerError(summary: "a worker could not \(what) its socket: \(String(cString: strerror(code)))", details: "")
  }
}
