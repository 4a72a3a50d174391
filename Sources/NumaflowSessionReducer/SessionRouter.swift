import Logging
import NumaflowCore
import NumaflowProtos
import SwiftProtobuf

/// What numa's session operations do to one stream's sessions, one method per operation, as
/// protocol.md §3.6 lists them: each request is routed to the tasks (`KeyedTasks`) that run the
/// sessions' reducers.
struct SessionRouter: Sendable {
  typealias Request = Sessionreduce_V1_SessionReduceRequest
  typealias Response = Sessionreduce_V1_SessionReduceResponse
  typealias KeyedWindow = Sessionreduce_V1_KeyedWindow

  let makeReducer: @Sendable () -> any SessionReducer
  let outbound: OutboundQueue<Response>
  let logger: Logger
  /// Counts the sessions' outputs, when metrics are on.
  let metrics: HandlerMetrics?
  let sessions = Sessions()

  /// Applies one request to the sessions and their tasks.
  func route(_ request: Request, tasks: inout KeyedTasks<Datum>) throws(WindowRequestError) {
    let windows = request.operation.keyedWindows
    guard windows.allSatisfy({ $0.hasStart && $0.hasEnd }) else {
      throw WindowRequestError("a keyed window has no start or no end")
    }
    let datum = request.hasPayload ? Datum(id: "", request.payload) : nil
    switch request.operation.event {
    case .open, .append:
      guard windows.count == 1, let datum else {
        throw WindowRequestError("an OPEN or APPEND carries one keyed window and a payload")
      }
      append(datum, to: windows[0], tasks: &tasks)
    case .expand:
      guard windows.count == 2 else { throw WindowRequestError("an EXPAND carries exactly two keyed windows") }
      expand(windows[0], to: windows[1], appending: datum, tasks: &tasks)
    case .merge:
      guard windows.count >= 2 else { throw WindowRequestError("a MERGE carries at least two keyed windows") }
      merge(windows, tasks: &tasks)
    case .close:
      close(windows, tasks: &tasks)
    case .UNRECOGNIZED(let value):
      throw WindowRequestError("unknown window operation \(value)")
    }
  }

  /// OPEN, or APPEND: an APPEND for an unknown session opens it, as an OPEN would.
  private func append(_ datum: Datum, to window: KeyedWindow, tasks: inout KeyedTasks<Datum>) {
    let key = Session.key(window)
    if !tasks.isOpen(key) { open(window, tasks: &tasks) }
    tasks.send(datum, to: key)
  }

  /// EXPAND: the session's task goes on under its new window; an unknown one is opened.
  private func expand(
    _ old: KeyedWindow, to new: KeyedWindow, appending datum: Datum?, tasks: inout KeyedTasks<Datum>
  ) {
    let (oldKey, newKey) = (Session.key(old), Session.key(new))
    if let session = sessions.remove(oldKey), tasks.isOpen(oldKey) {
      session.move(to: new)
      sessions.add(session, as: newKey)
      tasks.rename(oldKey, to: newKey)
    } else if !tasks.isOpen(newKey) {
      logger.warning("EXPAND of an unknown session: opened it", metadata: ["window": "\(old)"])
      open(new, tasks: &tasks)
    }
    if let datum { tasks.send(datum, to: newKey) }
  }

  /// MERGE: the merged sessions end and emit nothing; a new session over their span takes in
  /// their state before it reads.
  private func merge(_ windows: [KeyedWindow], tasks: inout KeyedTasks<Datum>) {
    var merged: [Session] = []
    for window in windows {
      let key = Session.key(window)
      guard let session = sessions.remove(key), tasks.isOpen(key) else {
        logger.warning("MERGE of an unknown session: left out", metadata: ["window": "\(window)"])
        continue
      }
      session.markMerged()
      tasks.finish(key)
      merged.append(session)
    }
    open(Self.span(of: windows), merging: merged, tasks: &tasks)
  }

  /// CLOSE: each session's reducer sees the end of its datums, under its final window.
  private func close(_ windows: [KeyedWindow], tasks: inout KeyedTasks<Datum>) {
    for window in windows {
      let key = Session.key(window)
      guard let session = sessions.remove(key), tasks.isOpen(key) else {
        logger.warning("CLOSE of an unknown session: ignored", metadata: ["window": "\(window)"])
        continue
      }
      session.move(to: window)
      tasks.finish(key)
    }
  }

  /// Starts a session's task over `window`: after `merged` have ended, it takes in their
  /// state, then reduces its datums, writes its results and, unless merged itself, an EOF.
  private func open(_ window: KeyedWindow, merging merged: [Session] = [], tasks: inout KeyedTasks<Datum>) {
    let session = Session(reducer: makeReducer(), window: window)
    sessions.add(session, as: Session.key(window))
    let outbound = self.outbound
    let subject = TaskSubject("session \(Window(wireStart: window.start, wireEnd: window.end))", keys: window.keys)
    tasks.start(Session.key(window), subject: subject) { input in
      defer { session.ended.signal() }
      for old in merged {
        await old.ended.wait()
        try await session.reducer.merge(accumulator: try await old.reducer.accumulator())
      }
      try await session.reducer.sessionReduce(
        keys: window.keys, datums: Datums(input),
        output: .results(of: session, through: outbound).counting(in: metrics))
      guard !session.isMerged else { return }
      var eof = Response()
      eof.keyedWindow = session.window
      eof.eof = true
      try await outbound.send(eof)
    }
  }

  /// The window from the earliest start to the latest end of `windows`, with the first's keys.
  static func span(of windows: [KeyedWindow]) -> KeyedWindow {
    var span = windows[0]
    for window in windows.dropFirst() {
      if (window.start.seconds, window.start.nanos) < (span.start.seconds, span.start.nanos) {
        span.start = window.start
      }
      if (window.end.seconds, window.end.nanos) > (span.end.seconds, span.end.nanos) { span.end = window.end }
    }
    return span
  }
}
