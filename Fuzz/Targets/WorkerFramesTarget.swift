import NIOCore
import NIOEmbedded
import NumaflowCore

extension FuzzTarget {
  /// The frames between the server process and its workers. The first byte sets the frame
  /// limit (9 to 4,089 bytes, so frames at, under and over it all occur); the rest arrives in
  /// chunks whose sizes the input also chooses, as a socket would cut it. The decoder must
  /// yield exactly the frames a plain reading of the bytes finds, each re-encoding to the bytes
  /// it came from, and refuse only a frame whose length is out of bounds.
  package static let workerFrames = FuzzTarget(name: "worker-frames") { bytes in
    guard let first = bytes.first else { return }
    let input = Array(bytes.dropFirst())
    let maxFrameSize = 9 + Int(first) * 16
    let expected = FrameReading(input, maxFrameSize: maxFrameSize)

    let channel = EmbeddedChannel(handler: ByteToMessageHandler(WorkerFrameDecoder(maxFrameSize: maxFrameSize)))
    var refused = false
    var offset = 0
    while offset < input.count, !refused {
      let end = min(input.count, offset + 1 + Int(input[offset]) % 40)
      do {
        try channel.writeInbound(ByteBuffer(bytes: input[offset..<end]))
      } catch {
        refused = true
      }
      offset = end
    }
    var decoded: [WorkerFrame] = []
    while let frame = try channel.readInbound(as: WorkerFrame.self) { decoded.append(frame) }
    _ = try? channel.finish(acceptAlreadyClosed: true)

    try require(decoded == expected.frames, "decoded \(decoded.count) frames, expected \(expected.frames.count)")
    try require(refused == expected.refused, refused ? "refused a valid stream" : "accepted a bad frame length")
    var encoded = ByteBuffer()
    for frame in decoded { frame.write(to: &encoded) }
    try require(
      Array(encoded.readableBytesView) == Array(input.prefix(expected.consumed)),
      "frames do not re-encode to the bytes they came from")
  }
}

/// The frames in `bytes` read one after another with no decoder: the model the decoder is
/// checked against.
private struct FrameReading {
  var frames: [WorkerFrame] = []
  var consumed = 0
  var refused = false

  init(_ bytes: [UInt8], maxFrameSize: Int) {
    while bytes.count - consumed >= 4 {
      let length = bytes[consumed..<consumed + 4].reduce(0) { $0 << 8 | Int($1) }
      guard length >= 9, length <= maxFrameSize else {
        refused = true
        return
      }
      guard bytes.count - consumed - 4 >= length else { return }
      let body = bytes[consumed + 4..<consumed + 4 + length]
      let sequence = body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      let kind = WorkerFrame.Kind(rawValue: body[body.startIndex + 8])
      frames.append(WorkerFrame(sequence: sequence, kind: kind, payload: ByteBuffer(bytes: body.dropFirst(9))))
      consumed += 4 + length
    }
  }
}
