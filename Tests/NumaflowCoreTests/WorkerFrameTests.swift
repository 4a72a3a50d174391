import NIOCore
import NIOEmbedded
import Testing

@testable import NumaflowCore

@Suite struct WorkerFrameTests {
  func decoder(maxFrameSize: Int = 1024) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WorkerFrameDecoder(maxFrameSize: maxFrameSize)))
    return channel
  }

  func encoded(_ frames: [WorkerFrame]) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    for frame in frames { try WorkerFrameEncoder().encode(data: frame, out: &buffer) }
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
