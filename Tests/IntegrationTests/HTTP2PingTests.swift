import NIOCore
import NIOPosix
import Testing

/// The server's connection below gRPC, as any HTTP/2 client may use it: frames written and read
/// by hand over the Unix socket.
///
/// numa sends no pings, but other clients do: C-core probes the bandwidth with a ping tens of
/// milliseconds after the last while data flows. grpc-swift's transport counts a ping that comes
/// sooner than a minimum interval after the last as a strike and, at the third, sends GOAWAY
/// (`ENHANCE_YOUR_CALM`) and closes the connection, streams and all. Every ping must be answered.
@Suite(.timeLimit(.minutes(2)))
struct HTTP2PingTests {
  @Test(arguments: ["async", "multiprocess"])
  func pingsBackToBackAreAllAnsweredAndNoneClosesTheConnection(mode: String) async throws {
    let server = try await ServerUnderTest("fixture-server", arguments: ["--mode", mode])
    defer { server.stop() }
    let pings = 10
    let answer = try await RawHTTP2Client.ping(socketPath: server.socketPath, times: pings)
    #expect(answer.goAwayCode == nil, "the server sent GOAWAY with error code \(answer.goAwayCode ?? 0)")
    #expect(answer.pingAcks == pings)
  }
}

/// Just enough of an HTTP/2 client to send pings and read what comes back (RFC 9113 §3.4, §4.1).
enum RawHTTP2Client {
  struct Answer {
    var pingAcks = 0
    /// The error code of a GOAWAY the server sent, if it sent one.
    var goAwayCode: UInt32?
  }

  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
  static let settings: UInt8 = 0x4
  static let ping: UInt8 = 0x6
  static let goAway: UInt8 = 0x7
  static let ack: UInt8 = 0x1

  /// Connects, sends the preface, empty SETTINGS and `times` PINGs at once, then reads frames
  /// until every ping is acknowledged, a GOAWAY comes, or the server closes the connection.
  static func ping(socketPath: String, times: Int) async throws -> Answer {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(unixDomainSocketPath: socketPath) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    return try await channel.executeThenClose { inbound, outbound in
      var hello = ByteBuffer(bytes: preface)
      writeFrame(type: settings, flags: 0, payload: [], to: &hello)
      for index in 0..<times {
        writeFrame(type: ping, flags: 0, payload: (0..<8).map { UInt8(truncatingIfNeeded: index + $0) }, to: &hello)
      }
      try await outbound.write(hello)

      var answer = Answer()
      var pending = ByteBuffer()
      for try await bytes in inbound {
        pending.writeImmutableBuffer(bytes)
        while let frame = readFrame(from: &pending) {
          switch frame.type {
          case settings where frame.flags & ack == 0:
            var settingsAck = ByteBuffer()
            writeFrame(type: settings, flags: ack, payload: [], to: &settingsAck)
            try await outbound.write(settingsAck)
          case ping where frame.flags & ack != 0:
            answer.pingAcks += 1
          case goAway:
            // The last stream id, then the error code.
            answer.goAwayCode = frame.payload.getInteger(at: frame.payload.readerIndex + 4, as: UInt32.self)
          default:
            break
          }
        }
        if answer.pingAcks == times || answer.goAwayCode != nil { break }
      }
      return answer
    }
  }

  /// The first whole frame in `buffer`, taken off it; `nil` while it is incomplete.
  static func readFrame(from buffer: inout ByteBuffer) -> (type: UInt8, flags: UInt8, payload: ByteBuffer)? {
    guard let head = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
      buffer.readableBytes >= 9 + Int(head >> 8)
    else { return nil }
    buffer.moveReaderIndex(forwardBy: 4)
    let flags = buffer.readInteger(as: UInt8.self)!
    buffer.moveReaderIndex(forwardBy: 4)  // the stream id
    return (UInt8(truncatingIfNeeded: head), flags, buffer.readSlice(length: Int(head >> 8))!)
  }

  /// A frame's 9-byte header (length, type, flags, stream 0) and its payload.
  static func writeFrame(type: UInt8, flags: UInt8, payload: [UInt8], to buffer: inout ByteBuffer) {
    buffer.writeInteger(UInt32(payload.count) << 8 | UInt32(type))
    buffer.writeInteger(flags)
    buffer.writeInteger(UInt32(0))
    buffer.writeBytes(payload)
  }
}
