import NumaflowCore
import NumaflowProtos
import SwiftProtobuf
import Synchronization

/// One session as the server tracks it: its reducer, its window (which EXPAND and MERGE
/// change), whether it is being merged away, and when its task ended.
final class Session: Sendable {
  private struct State {
    var window: Sessionreduce_V1_KeyedWindow
    var merged = false
  }

  let reducer: any SessionReducer
  private let state: Mutex<State>
  /// Signalled when the session's task has ended.
  let ended = OneShotEvent()

  init(reducer: any SessionReducer, window: Sessionreduce_V1_KeyedWindow) {
    self.reducer = reducer
    self.state = Mutex(State(window: window))
  }

  var window: Sessionreduce_V1_KeyedWindow { state.withLock { $0.window } }

  /// The window, or `nil` once the session is merged into another (it then emits nothing).
  var windowUnlessMerged: Sessionreduce_V1_KeyedWindow? { state.withLock { $0.merged ? nil : $0.window } }

  var isMerged: Bool { state.withLock { $0.merged } }

  func move(to window: Sessionreduce_V1_KeyedWindow) { state.withLock { $0.window = window } }

  func markMerged() { state.withLock { $0.merged = true } }

  /// The key a session's task is known by: its window's bounds and keys, as numa names it.
  static func key(_ window: Sessionreduce_V1_KeyedWindow) -> String {
    "\(window.start.seconds).\(window.start.nanos):\(window.end.seconds).\(window.end.nanos):\(groupKey(window.keys))"
  }
}
