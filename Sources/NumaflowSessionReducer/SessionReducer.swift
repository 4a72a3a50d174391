import NumaflowCore

/// A session reduce UDF: one instance per session (per keys, until a gap of inactivity closes
/// it). It reads the session's data and writes its results; when numa merges sessions, the
/// merged session's instance takes in the others' state through ``accumulator()`` and
/// ``merge(accumulator:)``.
///
/// ```swift
/// final class Counter: SessionReducer {
///   private let count = Mutex(0)
///
///   func sessionReduce(keys: [String], datums: Datums, output: MessageWriter) async throws {
///     for await _ in datums { count.withLock { $0 += 1 } }
///     try await output.write(Message(String(count.withLock { $0 }), keys: keys))
///   }
///   func accumulator() async throws -> Data { Data(String(count.withLock { $0 }).utf8) }
///   func merge(accumulator: Data) async throws {
///     count.withLock { $0 += Int(String(decoding: accumulator, as: UTF8.self)) ?? 0 }
///   }
/// }
/// await SessionReduceServer(sessionReducer: Counter.init).runService()
/// ```
///
/// A session merged into another emits nothing: what it writes is dropped, and its state goes
/// on in the merged session through ``accumulator()``. The merged session's instance gets
/// every ``merge(accumulator:)`` before its own ``sessionReduce(keys:datums:output:)`` starts.
public protocol SessionReducer: Sendable {
  /// Reads the session's `datums` (until numa closes or merges the session) and writes results.
  func sessionReduce(keys: [String], datums: Datums, output: MessageWriter) async throws
  /// This session's state, after its `sessionReduce` has returned, for a merge.
  func accumulator() async throws -> Data
  /// Takes in the state of a session merged into this one.
  func merge(accumulator: Data) async throws
}
