/// A map UDF with an `async` handler: served in `.async` mode (the default) or
/// `.multiprocess` mode (see `ServerMode`).
///
/// Called once per input message, concurrently for many messages; return its outputs: none to
/// drop it, several to flat-map it.
///
/// ```swift
/// struct Uppercase: Mapper {
///   func map(keys: [String], datum: Datum) async throws -> [Message] {
///     [Message(Data(String(decoding: datum.value, as: UTF8.self).uppercased().utf8), keys: keys)]
///   }
/// }
/// await MapServer(mapper: Uppercase()).runService()
/// ```
///
/// A thrown error is a UDF failure: the server reports it to numa as
/// `UDF_EXECUTION_ERROR`, persists it for the Numaflow UI and exits non-zero, and numa re-drives
/// the messages that were not answered. To skip a bad message instead, return
/// `[Message.drop()]`.
public protocol Mapper: Sendable {
  func map(keys: [String], datum: Datum) async throws -> [Message]
}

/// A map UDF with a plain, blocking handler: served in `.sync` mode (the default) on a pool
/// of dedicated threads, so blocking calls never starve Swift concurrency; in `.multiprocess`
/// mode one request at a time per worker process; or in `.async` mode inline, for quick,
/// non-blocking code.
///
/// ```swift
/// struct Checksum: SyncMapper {
///   func map(keys: [String], datum: Datum) throws -> [Message] {
///     [Message(Data(String(datum.value.reduce(0) { $0 &+ Int($1) }).utf8), keys: keys)]
///   }
/// }
/// await MapServer(mapper: Checksum()).runService()
/// ```
public protocol SyncMapper: Sendable {
  func map(keys: [String], datum: Datum) throws -> [Message]
}
