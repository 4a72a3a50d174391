import NIOCore

/// One message between the server process and a worker, over their socket pair:
/// `[UInt32 length][UInt64 sequence][UInt8 kind][payload]`, big-endian, where length counts
/// everything after itself.
package struct WorkerFrame: Sendable, Equatable {
  package struct Kind: RawRepresentable, Hashable, Sendable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Server → worker: a serialized request.
    package static let request = Kind(rawValue: 0)
    /// Worker → server: the serialized response to `sequence`.
    package static let response = Kind(rawValue: 1)
    /// Worker → server: the handler threw; the payload is a ``WorkerError`` as UTF-8 JSON.
    package static let failure = Kind(rawValue: 2)
    /// Server → worker: finish what is in flight, then exit 0.
    package static let shutdown = Kind(rawValue: 3)
    /// Worker → server: the request to `sequence` did not decode; the payload says why, in
    /// UTF-8 (``UnreadableRequest``).
    package static let unreadable = Kind(rawValue: 4)
  }

  package var sequence: UInt64
  package var kind: Kind
  package var payload: ByteBuffer

  package init(sequence: UInt64, kind: Kind, payload: ByteBuffer) {
    (self.sequence, self.kind, self.payload) = (sequence, kind, payload)
  }

  /// Length, sequence and kind.
  package static let headerSize = 4 + 8 + 1

  /// The largest frame either side accepts when messages may be `maxMessageSize` bytes: such a
  /// message, its header, and room for what a worker codec adds (a batch's length prefixes).
  package static func maxSize(carrying maxMessageSize: Int) -> Int {
    maxMessageSize + headerSize + 1024
  }
}

package struct WorkerFrameDecoder: ByteToMessageDecoder {
  package typealias InboundOut = WorkerFrame
  package let maxFrameSize: Int

  package init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

  package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    guard let frame = try WorkerFrame.read(from: &buffer, maxFrameSize: maxFrameSize) else { return .needMoreData }
    context.fireChannelRead(wrapInboundOut(frame))
    return .continue
  }
}

/// Writes frames to a worker socket. A large payload goes out as it is, after its header, in
/// the same gathering write, instead of being copied behind the header first: a sink's batch
/// for a worker is megabytes.
package final class WorkerFrameWriter: ChannelOutboundHandler, Sendable {
  package typealias OutboundIn = WorkerFrame
  package typealias OutboundOut = ByteBuffer

  /// Payloads up to this size are copied behind their header: one buffer is cheaper than two.
  static let copyLimit = 4096

  package init() {}

  package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let frame = unwrapOutboundIn(data)
    guard frame.payload.readableBytes > Self.copyLimit else {
      var buffer = context.channel.allocator.buffer(capacity: WorkerFrame.headerSize + frame.payload.readableBytes)
      frame.write(to: &buffer)
      return context.write(wrapOutboundOut(buffer), promise: promise)
    }
    var header = context.channel.allocator.buffer(capacity: WorkerFrame.headerSize)
    frame.writeHeader(to: &header)
    context.write(wrapOutboundOut(header), promise: nil)
    context.write(wrapOutboundOut(frame.payload), promise: promise)
  }
}

extension WorkerFrame {
  /// Takes the first whole frame off `buffer`; `nil`, leaving `buffer` as it was, while the
  /// frame is still incomplete. The payload is a slice of `buffer`, not a copy.
  /// - Throws: ``WorkerError`` when the length is shorter than a header or over `maxFrameSize`.
  package static func read(from buffer: inout ByteBuffer, maxFrameSize: Int) throws -> WorkerFrame? {
    guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
    guard length >= 9 else {
      throw WorkerError(summary: "a worker frame of \(length) bytes is shorter than its sequence and kind", details: "")
    }
    guard Int(length) <= maxFrameSize else {
      throw WorkerError(summary: "a worker frame of \(length) bytes exceeds the limit of \(maxFrameSize)", details: "")
    }
    guard buffer.readableBytes >= 4 + Int(length) else { return nil }
    buffer.moveReaderIndex(forwardBy: 4)
    let sequence = buffer.readInteger(as: UInt64.self)!
    let kind = Kind(rawValue: buffer.readInteger(as: UInt8.self)!)
    let payload = buffer.readSlice(length: Int(length) - 9)!
    return WorkerFrame(sequence: sequence, kind: kind, payload: payload)
  }

  /// Appends the frame, header and payload, to `buffer`.
  package func write(to buffer: inout ByteBuffer) {
    buffer.reserveCapacity(minimumWritableBytes: Self.headerSize + payload.readableBytes)
    writeHeader(to: &buffer)
    buffer.writeImmutableBuffer(payload)
  }

  /// Appends the frame's header (length, sequence, kind), without the payload.
  func writeHeader(to buffer: inout ByteBuffer) {
    buffer.writeInteger(UInt32(9 + payload.readableBytes))
    buffer.writeInteger(sequence)
    buffer.writeInteger(kind.rawValue)
  }
}
