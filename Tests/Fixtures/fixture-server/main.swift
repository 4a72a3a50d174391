// A map, stream map, batch map, source transform or sink server whose behaviour each request
// chooses through its value, for the integration tests (the sink's values: SinkFixture.swift).
// Flags: --kind map|mapstream|batchmap|transformer|sink (default map),
// --mode async|sync|multiprocess, --handler async|sync (default: sync in sync mode, async
// otherwise; a sink also takes noop, which answers ok without looking), --grace-ms N, --max-concurrent N, --window BYTES (HTTP/2 receive window), --handler-delay-ms N (a sink's handler waits N ms per batch), --worker-exit STATUS (each worker process
// exits at once), --minimum-numaflow X.Y.Z, --fail-at-start TEXT, --entry run|serve|service-group (see the end of this file). Transformer
// outputs keep the input's event time.
//
//   "throw:TEXT"   the handler throws FixtureError(TEXT)
//   "trap"         the handler traps (fatalError)
//   "sleep:MS"     waits MS milliseconds, then echoes
//   "await-file:PATH"  waits until the file PATH exists (blocking, in a sync handler), then
//                  echoes; throws after 60 s
//   "drop"         returns Message.drop()
//   "fail"         returns Message.fail(): numa calls the UDF again with it
//   "fail-once:PATH"  fails unless the file PATH exists, which it then creates: the first call
//                  fails and a retry succeeds (echoes), whichever worker process answers it
//   "fanout:N"     returns N messages "0" ... "N-1"
//   "fanout:N:S"   returns N messages of S bytes each
//   anything else  echoes: same value and keys, tag "echo", the input's user metadata, and
//                  the headers as user metadata group "headers"
import Foundation
import Logging
import NumaflowBatchMapper
import NumaflowMapStreamer
import NumaflowMapper
import NumaflowSinker
import NumaflowSourceTransformer
import ServiceLifecycle
import UnixSignals

/// A service beside the server, as a cache or a metrics endpoint would be: runs until the
/// group shuts it down.
/// A service beside the server; with `--companion-stop-ms N` it takes N ms to stop after the
/// graceful shutdown (as an exporter flushing its spans does).
struct Companion: Service {
  var stopping: Duration = .zero

  func run() async throws {
    try await gracefulShutdown()
    if stopping > .zero { try? await Task.sleep(for: stopping) }
  }
}

struct FixtureError: Error, CustomStringConvertible {
  let text: String
  var description: String { "fixture error: \(text)" }
}

/// What a request asks the fixture to do.
enum Behaviour {
  case fail(String)
  case trap
  case sleep(milliseconds: Int)
  case awaitFile(String)
  case drop
  case failOutput
  case fanout(Int, size: Int?)
  case echo

  init(_ value: Data) {
    let text = String(decoding: value, as: UTF8.self)
    if text.hasPrefix("throw:") {
      self = .fail(String(text.dropFirst(6)))
    } else if text == "trap" {
      self = .trap
    } else if text.hasPrefix("sleep:"), let milliseconds = Int(text.dropFirst(6)) {
      self = .sleep(milliseconds: milliseconds)
    } else if text.hasPrefix("await-file:") {
      self = .awaitFile(String(text.dropFirst(11)))
    } else if text == "drop" {
      self = .drop
    } else if text == "fail" {
      self = .failOutput
    } else if text.hasPrefix("fail-once:") {
      let path = String(text.dropFirst(10))
      // O_EXCL: exactly one call creates it, and that call fails.
      let created = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
      if created >= 0 { close(created) }
      self = created >= 0 ? .failOutput : .echo
    } else if text.hasPrefix("fanout:") {
      let fields = text.dropFirst(7).split(separator: ":").compactMap { Int($0) }
      self = .fanout(fields.first ?? 0, size: fields.count > 1 ? fields[1] : nil)
    } else {
      self = .echo
    }
  }

  /// Sleeps or waits for a file (suspending) if asked to, or fails or traps.
  func act() async throws {
    switch self {
    case .sleep(let milliseconds):
      try await Task.sleep(for: .milliseconds(milliseconds))
    case .awaitFile(let path):
      for _ in 0..<6000 where !FileManager.default.fileExists(atPath: path) {
        try await Task.sleep(for: .milliseconds(10))
      }
      try Self.checkExists(path)
    default:
      try actBlocking()
    }
  }

  /// Sleeps or waits for a file (blocking the thread: what sync mode is for) if asked to, or
  /// fails or traps.
  func actBlocking() throws {
    switch self {
    case .fail(let text): throw FixtureError(text: text)
    case .trap: fatalError("the fixture trapped on purpose")
    case .sleep(let milliseconds): usleep(UInt32(milliseconds) * 1000)
    case .awaitFile(let path):
      for _ in 0..<6000 where !FileManager.default.fileExists(atPath: path) { usleep(10_000) }
      try Self.checkExists(path)
    default: break
    }
  }

  private static func checkExists(_ path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else {
      throw FixtureError(text: "\(path) did not appear within 60 s")
    }
  }

  /// The echo's user metadata: the input's, plus the headers as group "headers".
  static func metadata(_ user: MessageMetadata, headers: [String: String]) -> MessageMetadata {
    var metadata = user
    for (name, value) in headers { metadata["headers", name] = Data(value.utf8) }
    return metadata
  }

  func mapOutputs(keys: [String], datum: NumaflowMapper.Datum) -> [NumaflowMapper.Message] {
    switch self {
    case .drop: return [.drop()]
    case .failOutput: return [.fail()]
    case .fanout(let count, let size):
      return (0..<count).map { index in
        NumaflowMapper.Message(size.map { Data(repeating: 0x61, count: $0) } ?? Data(String(index).utf8), keys: keys)
      }
    default:
      let metadata = Self.metadata(datum.userMetadata, headers: datum.headers)
      return [NumaflowMapper.Message(datum.value, keys: keys, tags: ["echo"], userMetadata: metadata)]
    }
  }

  func transformOutputs(keys: [String], datum: NumaflowSourceTransformer.Datum) -> [NumaflowSourceTransformer.Message] {
    switch self {
    case .drop: return [.drop(eventTime: datum.eventTime)]
    case .failOutput: return [.fail(eventTime: datum.eventTime)]
    case .fanout(let count, _):
      return (0..<count).map { NumaflowSourceTransformer.Message(String($0), eventTime: datum.eventTime, keys: keys) }
    default:
      let metadata = Self.metadata(datum.userMetadata, headers: datum.headers)
      return [
        NumaflowSourceTransformer.Message(
          datum.value, eventTime: datum.eventTime, keys: keys, tags: ["echo"], userMetadata: metadata)
      ]
    }
  }
}

struct AsyncMapFixture: Mapper {
  func map(keys: [String], datum: NumaflowMapper.Datum) async throws -> [NumaflowMapper.Message] {
    let behaviour = Behaviour(datum.value)
    try await behaviour.act()
    return behaviour.mapOutputs(keys: keys, datum: datum)
  }
}

struct SyncMapFixture: SyncMapper {
  func map(keys: [String], datum: NumaflowMapper.Datum) throws -> [NumaflowMapper.Message] {
    let behaviour = Behaviour(datum.value)
    try behaviour.actBlocking()
    return behaviour.mapOutputs(keys: keys, datum: datum)
  }
}

struct AsyncTransformFixture: SourceTransformer {
  func transform(keys: [String], datum: NumaflowSourceTransformer.Datum) async throws -> [NumaflowSourceTransformer
    .Message]
  {
    let behaviour = Behaviour(datum.value)
    try await behaviour.act()
    return behaviour.transformOutputs(keys: keys, datum: datum)
  }
}

struct SyncTransformFixture: SyncSourceTransformer {
  func transform(keys: [String], datum: NumaflowSourceTransformer.Datum) throws -> [NumaflowSourceTransformer.Message] {
    let behaviour = Behaviour(datum.value)
    try behaviour.actBlocking()
    return behaviour.transformOutputs(keys: keys, datum: datum)
  }
}

/// Writes the map outputs one by one, as a streamer does.
struct StreamFixture: MapStreamer {
  func mapStream(keys: [String], datum: NumaflowMapper.Datum, output: MessageWriter) async throws {
    let behaviour = Behaviour(datum.value)
    try await behaviour.act()
    if case .fanout(let count, let size) = behaviour {
      // Written one at a time, never all held at once.
      for index in 0..<count {
        try await output.write(
          NumaflowMapper.Message(size.map { Data(repeating: 0x61, count: $0) } ?? Data(String(index).utf8), keys: keys))
      }
      return
    }
    for message in behaviour.mapOutputs(keys: keys, datum: datum) { try await output.write(message) }
  }
}

/// Answers every datum of a batch as the map fixture would.
struct AsyncBatchFixture: BatchMapper {
  func mapBatch(_ datums: [NumaflowMapper.Datum]) async throws -> [BatchResponse] {
    var responses: [BatchResponse] = []
    for datum in datums {
      let behaviour = Behaviour(datum.value)
      try await behaviour.act()
      responses.append(BatchResponse(id: datum.id, messages: behaviour.mapOutputs(keys: datum.keys, datum: datum)))
    }
    return responses
  }
}

struct SyncBatchFixture: SyncBatchMapper {
  func mapBatch(_ datums: [NumaflowMapper.Datum]) throws -> [BatchResponse] {
    try datums.map { datum in
      let behaviour = Behaviour(datum.value)
      try behaviour.actBlocking()
      return BatchResponse(id: datum.id, messages: behaviour.mapOutputs(keys: datum.keys, datum: datum))
    }
  }
}

let arguments = CommandLine.arguments
func flag(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
let useSync = flag("--handler").map { $0 == "sync" } ?? (flag("--mode") == "sync")

// A worker process that dies before it serves: how a worker that never starts looks.
if let status = flag("--worker-exit").flatMap(Int32.init),
  ProcessInfo.processInfo.environment["NUMAFLOW_SWIFT_WORKER_INDEX"] != nil
{
  exit(status)
}

// --fail-at-start TEXT: start-up work that throws, reported as the SDK tells users to.
if let text = flag("--fail-at-start") {
  await UDFFailure.reportingCritical(while: "loading the fixture's model") { throw FixtureError(text: text) }
}

// --grace-ms N: the shutdown grace period; --max-concurrent N: the in-flight bound.
var configuration = ServerConfiguration.defaults
if let milliseconds = flag("--grace-ms").flatMap(Int.init) {
  configuration.shutdownGracePeriod = .milliseconds(milliseconds)
}
if let window = flag("--window").flatMap(Int.init) {
  configuration.http2TargetWindowSize = window
}
if let bound = flag("--max-concurrent").flatMap(Int.init) {
  configuration.maxConcurrentRequests = bound
}
// --minimum-numaflow MAJOR.MINOR.PATCH: raises server-info's minimum_numaflow_version.
if let parts = flag("--minimum-numaflow")?.split(separator: ".").compactMap({ Int($0) }), parts.count == 3 {
  configuration.minimumNumaflowVersion = NumaflowVersion(parts[0], parts[1], parts[2])
}

let server: any NumaflowServer =
  switch (flag("--kind") ?? "map", useSync) {
  case ("mapstream", _): MapStreamServer(configuration: configuration, mapStreamer: StreamFixture())
  case ("batchmap", true):
    BatchMapServer(mode: try .commandLine(), configuration: configuration, batchMapper: SyncBatchFixture())
  case ("batchmap", false): BatchMapServer(configuration: configuration, batchMapper: AsyncBatchFixture())
  case ("sink", _) where flag("--handler") == "noop":
    flag("--mode") == "sync"
      ? SinkServer(mode: .sync, configuration: configuration, sinker: SyncNoopSink())
      : SinkServer(mode: try .commandLine(), configuration: configuration, sinker: NoopSink())
  case ("sink", true): SinkServer(mode: try .commandLine(), configuration: configuration, sinker: SyncSinkFixture())
  case ("sink", false): SinkServer(mode: try .commandLine(), configuration: configuration, sinker: AsyncSinkFixture())
  case ("transformer", true):
    SourceTransformServer(
      mode: try .commandLine(), configuration: configuration, sourceTransformer: SyncTransformFixture())
  case ("transformer", false):
    SourceTransformServer(
      mode: try .commandLine(), configuration: configuration, sourceTransformer: AsyncTransformFixture())
  case (_, true): MapServer(mode: try .commandLine(), configuration: configuration, mapper: SyncMapFixture())
  case (_, false): MapServer(mode: try .commandLine(), configuration: configuration, mapper: AsyncMapFixture())
  }

// --entry main (default): the container entry point, runService(). alongside: the same with a
// companion service. run: the Service's run(), embedded, its UDF failure caught. service-group:
// the README's ServiceGroup example, a companion and the server, stopped by SIGTERM.
switch flag("--entry") ?? "main" {
case "run":
  do {
    try await server.run()
  } catch let failure as UDFFailure {
    print("run() threw a UDF failure: \(failure.code)")
    exit(3)
  }
case "alongside":
  let stopping = flag("--companion-stop-ms").flatMap(Int.init).map { Duration.milliseconds($0) } ?? .zero
  await server.runService(alongside: [Companion(stopping: stopping)])
case "service-group":
  let group = ServiceGroup(
    services: [Companion(), server], gracefulShutdownSignals: [.sigterm], logger: Logger(label: "fixture"))
  try await group.run()
default:
  await server.runService()
}
