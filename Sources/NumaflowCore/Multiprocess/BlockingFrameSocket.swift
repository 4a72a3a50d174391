import NIOConcurrencyHelpers
import NIOCore
import Synchronization

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

/// A worker's end of its socket, read and written with blocking calls by the thread that runs a
/// synchronous handler: no event loop and no hand-off between threads per request.
///
/// A worker with a synchronous handler does one thing at a time, so the thread that runs the
/// handler may as well read the requests (``bufferedFrame()``, ``fill()``) and write the
/// replies. Replies gather (``queue(_:)``) and leave together when no whole request is left
/// to handle (``flush()``): a burst of requests costs one read and one write, not one of each
/// per request. A reply must not wait for a handler that blocks, though, so a second thread
/// (``runFlusher()``) writes what has gathered once a handler call has run for
/// ``flushDelay``; it sleeps while the worker waits for requests.
///
/// Never use it on a thread of Swift's cooperative pool: calls block.
package final class BlockingFrameSocket: Sendable {
  /// How long a handler call runs before the replies queued ahead of it are written anyway.
  package static let flushDelay = Duration.milliseconds(1)
  /// Replies queued past this many bytes are written at once.
  static let bufferLimit = 64 * 1024
  /// The most the input buffer keeps between bursts: a sink's batch for a worker (500 × 10 KiB
  /// split in two) fits, and is not allocated again for every batch.
  static let keptCapacity = 4 * 1024 * 1024

  /// What the input buffer holds on to now (for tests).
  var inputCapacity: Int { input.withLock { $0.capacity } }

  private struct Output {
    var buffer = ByteBuffer()
    /// When the handler call running now started, if one is.
    var callStarted: ContinuousClock.Instant?
    var stopping = false
  }

  private let descriptor: CInt
  private let maxFrameSize: Int
  /// Only the handler's thread reads.
  private let input = Mutex(ByteBuffer())
  private let output = Mutex(Output())
  /// Whether the flusher has work to watch: the handler's thread is handling a burst.
  private let busy = ConditionLock(value: false)

  /// Takes `descriptor`, in blocking mode; it is closed with the socket.
  package init(descriptor: CInt, maxFrameSize: Int) {
    self.descriptor = descriptor
    self.maxFrameSize = maxFrameSize
    let flags = fcntl(descriptor, F_GETFL)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
  }

  deinit {
    _ = closeDescriptor(descriptor)
  }

  /// The bytes of replies queued and not yet written.
  var unwritten: Int { output.withLock { $0.buffer.readableBytes } }

  /// The next frame already read in whole, if any; never blocks.
  /// - Throws: ``WorkerError`` for a frame the server process could not have sent.
  package func bufferedFrame() throws -> WorkerFrame? {
    try input.withLock { try WorkerFrame.read(from: &$0, maxFrameSize: maxFrameSize) }
  }

  /// Waits for more bytes from the server process and reads what has come. The flusher
  /// sleeps meanwhile; it wakes when this returns.
  /// - Returns: `false` when the server process has closed its end.
  package func fill() throws -> Bool {
    setBusy(false)
    defer { setBusy(true) }
    let descriptor = self.descriptor
    return try input.withLock { input in
      if input.readableBytes == 0 && input.capacity > Self.keptCapacity {
        // One huge request (numa allows 64 MiB) must not stay resident for the worker's life.
        input = ByteBuffer()
      } else {
        input.discardReadBytes()
      }
      while true {
        let count = input.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 * 1024) { buffer in
          read(descriptor, buffer.baseAddress, buffer.count)
        }
        if count > 0 { return true }
        if count == 0 { return false }
        guard errno == EINTR else { throw Self.failure("read from", errno: errno) }
      }
    }
  }

  /// Runs `call` (a handler call) with the flusher watching: if it runs for
  /// ``flushDelay``, the replies queued before it are written while it runs.
  package func watching<Result>(_ call: () throws -> Result) rethrows -> Result {
    output.withLock { $0.callStarted = .now }
    defer { output.withLock { $0.callStarted = nil } }
    return try call()
  }

  /// Queues `frame`; writes what is queued once it passes ``bufferLimit``.
  package func queue(_ frame: WorkerFrame) throws {
    try output.withLock { output in
      frame.write(to: &output.buffer)
      if output.buffer.readableBytes >= Self.bufferLimit { try write(&output.buffer) }
    }
  }

  /// Writes every queued reply, waiting while the socket is full.
  package func flush() throws {
    try output.withLock { try write(&$0.buffer) }
  }

  /// Watches handler calls until ``stopFlusher()``: writes the queued replies when a call has
  /// run for ``flushDelay``. Checks every ``flushDelay`` while requests are handled, and sleeps
  /// once none has come for ten checks. Run it on a thread of its own.
  package func runFlusher() {
    var idleChecks = 0
    while true {
      if idleChecks >= 10 {
        busy.lock(whenValue: true)
        busy.unlock()
        idleChecks = 0
      }
      let isBusy = busy.value
      let stop = output.withLock { output -> Bool in
        if output.stopping { return true }
        if let started = output.callStarted, started.duration(to: .now) >= Self.flushDelay,
          output.buffer.readableBytes > 0
        {
          // The server process is gone if this fails; the handler's thread finds that out too.
          try? write(&output.buffer)
        }
        return false
      }
      if stop { return }
      idleChecks = isBusy ? 0 : idleChecks + 1
      Self.sleep(Self.flushDelay)
    }
  }

  /// Ends ``runFlusher()``.
  package func stopFlusher() {
    output.withLock { $0.stopping = true }
    setBusy(true)
  }

  private func setBusy(_ value: Bool) {
    busy.lock()
    busy.unlock(withValue: value)
  }

  private func write(_ buffer: inout ByteBuffer) throws {
    let descriptor = self.descriptor
    while buffer.readableBytes > 0 {
      let count = buffer.withUnsafeReadableBytes { bytes in
        send(descriptor, bytes.baseAddress, bytes.count, noSignal)
      }
      if count >= 0 {
        buffer.moveReaderIndex(forwardBy: count)
      } else if errno != EINTR {
        throw Self.failure("write to", errno: errno)
      }
    }
    buffer.clear()
  }

  private static func sleep(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }

  private static func failure(_ what: String, errno code: CInt) -> WorkerError {
    WorkerError(summary: "a worker could not \(what) its socket: \(String(cString: strerror(code)))", details: "")
  }
}
