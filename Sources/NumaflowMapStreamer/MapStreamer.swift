/// A map UDF that streams its outputs: each is sent to numa as soon as it is written, instead
/// of when the handler returns. Served in async mode, the only one.
///
/// ```swift
/// struct Split: MapStreamer {
///   func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws {
///     for part in String(decoding: datum.value, as: UTF8.self).split(separator: ",") {
///       try await output.write(Message(String(part)))
///     }
///   }
/// }
/// await MapStreamServer(mapStreamer: Split()).runService()
/// ```
///
/// `write` suspends while numa is not reading (HTTP/2 flow control), so a handler that writes a
/// great many outputs never buffers them all. When the handler returns, the server ends the
/// request's outputs with the EOT numa waits for. A thrown error is a UDF failure.
public protocol MapStreamer: Sendable {
  func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws
}
