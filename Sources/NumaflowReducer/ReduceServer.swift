/// Serves a reduce UDF for fixed and sliding windows on `reduce.sock` (server-info
/// `reducer-server-info`). The vertex's window must not be `streaming: true` (that is
/// `ReduceStreamServer`), or numa waits for the other server-info file forever.
///
/// ```swift
/// import NumaflowReducer
///
/// await ReduceServer(reducer: Counter.init).runService()
/// ```
///
/// A reducer holds one keyed window's state, so the server takes a factory (`reducer:`) and
/// makes a fresh reducer for every keyed window; a closure (`handler:`) is called once per
/// keyed window. An async ``Reducer`` has one mode;
/// a blocking ``SyncReducer`` runs in `.sync` (default, a pool thread per keyed window at a
/// time) or `.async` (inline). Entry points: `NumaflowServer`.
public struct ReduceServer: NumaflowServer {
  public let host: ServerHost

  /// A server that makes an async reducer per keyed window.
  public init(
    configuration: ServerConfiguration = .defaults, reducer makeReducer: @escaping @Sendable () -> some Reducer
  ) {
    host = ServerHost(endpoint: .reduce, configuration: configuration) { lifecycle in
      [
        ReduceService(rpc: "ReduceFn", handlerName: "reducer", lifecycle: lifecycle) { keys, output in
          { input in
            try await output.send(
              try await makeReducer().reduce(keys: keys, datums: Datums(input), window: output.window))
          }
        }
      ]
    }
  }

  /// A server that makes a blocking reducer per keyed window.
  public init(
    mode: ServerMode<SyncOrAsync> = .sync, configuration: ServerConfiguration = .defaults,
    reducer makeReducer: @escaping @Sendable () -> some SyncReducer
  ) {
    let handler = LocalHandler<KeyedWindow, [Message]>(
      name: "reducer", sync: { try makeReducer().reduce(keys: $0.keys, datums: $0.datums, window: $0.window) })
    host = ServerHost(endpoint: .reduce, configuration: configuration, mode: mode, handler: handler) {
      placed, lifecycle in
      ReduceService(rpc: "ReduceFn", handlerName: "reducer", lifecycle: lifecycle) { keys, output in
        { input in
          let datums = await Datum.collect(input)
          try await output.send(try await placed.call(KeyedWindow(keys: keys, window: output.window, datums: datums)))
        }
      }
    }
  }

  /// A server for an async closure, the reducer's `reduce` (see ``ClosureReducer``).
  public init(configuration: ServerConfiguration = .defaults, handler: @escaping ClosureReducer.Body) {
    self.init(configuration: configuration, reducer: { ClosureReducer(handler) })
  }
}

/// A keyed window's data, whole, for a blocking reducer.
struct KeyedWindow: Sendable {
  let keys: [String]
  let window: Window
  let datums: [Datum]
}
