/// An accumulator UDF: one long-lived task per key combination, fed that key's messages in
/// order, with the watermark on each, that writes outputs whenever it likes: a stream sorter,
/// a deduplicator, a join that waits for its other half.
///
/// ```swift
/// struct Dedupe: Accumulator {
///   func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws {
///     var seen = Set<Data>()
///     for await datum in datums where seen.insert(datum.value).inserted {
///       try await output.write(Message(forwarding: datum))
///     }
///   }
/// }
/// await AccumulatorServer(accumulator: Dedupe.init).runService()
/// ```
///
/// The factory makes a fresh accumulator per key combination. `datums` ends when numa closes
/// the key (its watermark has passed the last event time plus the vertex's timeout); write what
/// is left, then return.
public protocol Accumulator: Sendable {
  func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws
}
