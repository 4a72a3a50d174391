/// A reduce UDF for fixed and sliding windows that streams its results: it writes them through
/// ``MessageWriter`` while the window's data is still arriving, instead of returning them when
/// the window closes.
///
/// ```swift
/// struct RunningCount: ReduceStreamer {
///   func reduceStream(keys: [String], datums: Datums, window: Window, output: MessageWriter) async throws {
///     var count = 0
///     for await _ in datums {
///       count += 1
///       if count % 10 == 0 { try await output.write(Message(String(count), keys: keys)) }
///     }
///     try await output.write(Message(String(count), keys: keys))
///   }
/// }
/// await ReduceStreamServer(reduceStreamer: RunningCount.init).runService()
/// ```
public protocol ReduceStreamer: Sendable {
  /// Writes results for one keyed window while its `datums` arrive; `keys` are the first
  /// datum's.
  func reduceStream(keys: [String], datums: Datums, window: Window, output: MessageWriter) async throws
}
