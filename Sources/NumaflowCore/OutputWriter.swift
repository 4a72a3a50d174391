/// Where a streaming handler writes its outputs, one at a time, while it runs: a stream map's
/// messages, a stream reducer's, a session reducer's, an accumulator's, a source read's. Each
/// kind calls it `MessageWriter`.
///
/// ``write(_:)`` suspends while the stream's outbound queue is full (numa reads slower than
/// the handler writes), so a handler that writes in a loop is paced by numa, and throws once
/// the stream is over (numa went away, or the server stopped it): let the error end the handler.
///
/// ```swift
/// for word in String(decoding: datum.value, as: UTF8.self).split(separator: " ") {
///   try await output.write(Message(Data(word.utf8), keys: keys))
/// }
/// ```
///
/// In a unit test, make one that collects what the handler writes:
/// ```swift
/// let written = Mutex<[Message]>([])
/// try await handler.mapStream(keys: [], datum: datum, output: MessageWriter { message in
///   written.withLock { $0.append(message) }
/// })
/// ```
public struct OutputWriter<Output: Sendable>: Sendable {
  private let send: @Sendable (Output) async throws -> Void

  /// A writer that hands every output to `send`.
  public init(_ send: @escaping @Sendable (Output) async throws -> Void) {
    self.send = send
  }

  /// Sends `output` to numa, suspending while the stream's outbound queue is full.
  public func write(_ output: Output) async throws {
    try await send(output)
  }
}

extension OutputWriter {
  /// This writer, counting each output in `metrics` (`numaflow_udf_outputs_total`).
  package func counting(in metrics: HandlerMetrics?) -> Self {
    guard let metrics else { return self }
    let send = self.send
    return OutputWriter { output in
      try await send(output)
      metrics.countOutputs(1)
    }
  }
}
