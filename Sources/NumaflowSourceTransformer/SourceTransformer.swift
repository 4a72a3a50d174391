/// A source transformer with an `async` handler: served in `.async`
/// (default) or `.multiprocess` mode.
///
/// Runs at the source, once per message, before anything else sees it: the place to parse,
/// filter, re-key and above all assign event times (watermarks follow them).
///
/// ```swift
/// struct StampFromPayload: SourceTransformer {
///   func transform(keys: [String], datum: Datum) async throws -> [Message] {
///     [Message(datum.value, eventTime: parseTime(datum.value) ?? datum.eventTime, keys: keys)]
///   }
/// }
/// await SourceTransformServer(sourceTransformer: StampFromPayload()).runService()
/// ```
///
/// Every output carries an event time: ``Message`` cannot be built without one, because numa
/// stops on an output that lacks it. A thrown error is a UDF failure (reported, persisted, exit
/// status 1; numa re-drives the messages that were not answered).
public protocol SourceTransformer: Sendable {
  func transform(keys: [String], datum: Datum) async throws -> [Message]
}

/// A source transformer with a plain, blocking handler: served in
/// `.sync` mode (the default) on dedicated threads, in
/// `.multiprocess` mode one request at a time per worker, or in
/// `.async` mode inline (for quick, non-blocking code).
public protocol SyncSourceTransformer: Sendable {
  func transform(keys: [String], datum: Datum) throws -> [Message]
}
