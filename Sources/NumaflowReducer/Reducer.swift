/// A reduce UDF for fixed and sliding windows, with an `async` handler.
///
/// Numa opens one stream per window; the server groups the window's data by keys and calls a
/// **fresh** reducer, made by the server's factory, for each keyed window. It receives the
/// data as it arrives and returns the results once numa closes the window:
///
/// ```swift
/// struct Counter: Reducer {
///   func reduce(keys: [String], datums: Datums, window: Window) async throws -> [Message] {
///     var count = 0
///     for await _ in datums { count += 1 }
///     return [Message(String(count), keys: keys)]
///   }
/// }
/// await ReduceServer(reducer: Counter.init).runService()
/// ```
public protocol Reducer: Sendable {
  /// The results for one keyed window: `keys` are the first datum's; `datums` ends when numa
  /// closes the window.
  func reduce(keys: [String], datums: Datums, window: Window) async throws -> [Message]
}

/// A reduce UDF with a plain, blocking handler: it gets a keyed window's data all at once,
/// when numa closes the window, and runs on a pool thread (`.sync`, the default) or inline
/// (`.async`). The window's data is held in memory until then.
public protocol SyncReducer: Sendable {
  /// The results for one keyed window.
  func reduce(keys: [String], datums: [Datum], window: Window) throws -> [Message]
}
