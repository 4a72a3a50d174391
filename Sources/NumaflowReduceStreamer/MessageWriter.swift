import NumaflowCore
import NumaflowReducer

/// Where a ``ReduceStreamer`` writes the results of one keyed window.
public struct MessageWriter: Sendable {
  let output: WindowOutput

  /// Sends `message` to numa with the window; suspends while numa is not reading, so a
  /// streamer that writes faster than numa reads is held back instead of piling results up.
  /// - Throws: when the stream to numa has ended.
  public func write(_ message: Message) async throws {
    try await output.send([message])
  }
}
