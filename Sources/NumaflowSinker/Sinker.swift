/// A sink UDF with an `async` handler: the end of a pipeline, writing to a system Numaflow
/// does not know.
///
/// Receives each batch numa reads (up to its read batch size) and answers every datum by its
/// `Datum.id`: exactly one ``Response`` per id, in any order. The server checks
/// this before answering numa; a missing, repeated or unknown id is a UDF failure that names
/// the ids, because numa would fail fatally on it.
///
/// ```swift
/// struct Log: Sinker {
///   func sink(_ datums: [Datum]) async throws -> [Response] {
///     var responses: [Response] = []
///     for datum in datums {
///       print(String(decoding: datum.value, as: UTF8.self))
///       responses.append(.ok(datum.id))
///     }
///     return responses
///   }
/// }
/// await SinkServer(sinker: Log()).runService()
/// ```
///
/// Served in `.async` mode (the default) or `.multiprocess` mode, where a batch is shared
/// among the worker processes: see ``SinkServer``.
public protocol Sinker: Sendable {
  /// Writes one batch and says, for every datum, what became of it.
  func sink(_ datums: [Datum]) async throws -> [Response]
}

/// A sink UDF with a plain, blocking handler (a blocking database driver, say): served in
/// `.sync` mode on a pool of threads (the default), inline in `.async` mode, or in worker
/// processes in `.multiprocess` mode.
///
/// ```swift
/// struct Append: SyncSinker {
///   let file: FileHandle
///   func sink(_ datums: [Datum]) throws -> [Response] {
///     for datum in datums { try file.write(contentsOf: datum.value + Data("\n".utf8)) }
///     return datums.map { .ok($0.id) }
///   }
/// }
/// ```
public protocol SyncSinker: Sendable {
  /// Writes one batch and says, for every datum, what became of it.
  func sink(_ datums: [Datum]) throws -> [Response]
}
