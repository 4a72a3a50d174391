// A map server whose behaviour each request chooses through its value, for the integration
// tests. Flags: --mode async|sync|multiprocess, --handler async|sync (default: sync in sync
// mode, async otherwise).
//
//   "throw:TEXT"   the handler throws FixtureError(TEXT)
//   "trap"         the handler traps (fatalError)
//   "sleep:MS"     waits MS milliseconds, then echoes
//   "drop"         returns Message.drop()
//   "fanout:N"     returns N messages "0" ... "N-1"
//   anything else  echoes: same value and keys, tag "echo", the input's user metadata, and
//                  the headers as user metadata group "headers"
import Foundation
import NumaflowMapper

struct FixtureError: Error, CustomStringConvertible {
  let text: String
  var description: String { "fixture error: \(text)" }
}

/// What a request asks the fixture to do.
enum Behaviour {
  case fail(String)
  case trap
  case sleep(milliseconds: Int)
  case drop
  case fanout(Int)
  case echo

  init(_ datum: Datum) {
    let text = String(decoding: datum.value, as: UTF8.self)
    if text.hasPrefix("throw:") {
      self = .fail(String(text.dropFirst(6)))
    } else if text == "trap" {
      self = .trap
    } else if text.hasPrefix("sleep:"), let milliseconds = Int(text.dropFirst(6)) {
      self = .sleep(milliseconds: milliseconds)
    } else if text == "drop" {
      self = .drop
    } else if text.hasPrefix("fanout:"), let count = Int(text.dropFirst(7)) {
      self = .fanout(count)
    } else {
      self = .echo
    }
  }

  /// The outputs, once any sleeping is done.
  func messages(keys: [String], datum: Datum) throws -> [Message] {
    switch self {
    case .fail(let text): throw FixtureError(text: text)
    case .trap: fatalError("the fixture trapped on purpose")
    case .drop: return [.drop()]
    case .fanout(let count): return (0..<count).map { Message(String($0), keys: keys) }
    case .sleep, .echo:
      var metadata = datum.userMetadata
      for (name, value) in datum.headers { metadata["headers", name] = Data(value.utf8) }
      return [Message(datum.value, keys: keys, tags: ["echo"], userMetadata: metadata)]
    }
  }
}

struct AsyncFixture: Mapper {
  func map(keys: [String], datum: Datum) async throws -> [Message] {
    let behaviour = Behaviour(datum)
    if case .sleep(let milliseconds) = behaviour { try await Task.sleep(for: .milliseconds(milliseconds)) }
    return try behaviour.messages(keys: keys, datum: datum)
  }
}

struct SyncFixture: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [Message] {
    let behaviour = Behaviour(datum)
    // A sync handler may block: that is what sync mode is for.
    if case .sleep(let milliseconds) = behaviour { usleep(UInt32(milliseconds) * 1000) }
    return try behaviour.messages(keys: keys, datum: datum)
  }
}

let arguments = CommandLine.arguments
let mode = try ServerMode(commandLine: arguments)
let handlerFlag = arguments.firstIndex(of: "--handler").map { arguments[$0 + 1] }
let useSync = handlerFlag.map { $0 == "sync" } ?? (mode == .sync)
if useSync {
  try await MapServer(mode: mode, mapper: SyncFixture()).run()
} else {
  try await MapServer(mode: mode, mapper: AsyncFixture()).run()
}
