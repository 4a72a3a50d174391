/// Serves a session reduce UDF on `sessionreduce.sock` (server-info
/// `sessionreducer-server-info`), for a vertex whose window is `session: {timeout: ...}`.
///
/// ```swift
/// import NumaflowSessionReducer
///
/// await SessionReduceServer(sessionReducer: Counter.init).runService()
/// ```
///
/// A session reducer holds one session's state, so the server takes a factory and makes a
/// fresh reducer per session, and one for each merged session. Its protocol has three
/// requirements, so there is no closure form. One mode:
/// async. A CLOSE, EXPAND or MERGE of a session the server does not know is logged; the other
/// sessions go on. Entry points: `NumaflowServer`.
public struct SessionReduceServer: NumaflowServer {
  public let host: ServerHost

  public init(
    configuration: ServerConfiguration = .defaults,
    sessionReducer makeReducer: @escaping @Sendable () -> some SessionReducer
  ) {
    host = ServerHost(endpoint: .sessionReduce, configuration: configuration) { lifecycle in
      [SessionReduceService(makeReducer: { makeReducer() }, lifecycle: lifecycle)]
    }
  }
}
