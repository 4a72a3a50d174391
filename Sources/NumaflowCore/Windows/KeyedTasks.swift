import GRPCCore
import NumaflowProtos

/// One task per key on a windowed stream, each fed its elements in arrival order: what every
/// windowed kind does with a window's keys (reduce), sessions, and accumulator keys.
///
/// A kind's `route` says, per request, what to do: ``start(_:subject:run:)`` starts a key's task,
/// ``send(_:to:)`` feeds it, ``finish(_:)`` ends its input, ``rename(_:to:)`` moves it to a new
/// key; ``serveKeyedTasks(requests:outbound:shape:handlerName:lifecycle:route:afterAll:)``
/// carries that out in a task group.
///
/// Every windowed kind feeds its tasks ``Datum``s, from its own module: the methods it calls are
/// pre-specialized for them (a generic call from another module looks metadata up at run time).
package struct KeyedTasks<Element: Sendable>: Sendable {
  /// A task's work: read its elements, send its results.
  package typealias Run = @Sendable (KeyedInput<Element>) async throws -> Void

  enum Action: Sendable {
    case start(key: String, subject: TaskSubject, run: Run)
    case yield(key: String, element: Element)
    case finish(key: String)
    case rename(from: String, to: String)
  }

  private(set) var actions: [Action] = []
  /// Keys with a task whose input is open.
  private(set) var open: Set<String> = []

  package init() {}

  /// Whether `key` has a task whose input is open.
  @_specialize(exported:true,where Element == Datum)
  package func isOpen(_ key: String) -> Bool { open.contains(key) }

  /// Starts a task for `key`, which runs `run` on the elements sent to it; does nothing if
  /// `key` has one. `subject` names the task in errors ("window [0, 60000) keys [a]").
  @_specialize(exported:true,where Element == Datum)
  package mutating func start(_ key: String, subject: TaskSubject, run: @escaping Run) {
    guard !open.contains(key) else { return }
    actions.append(.start(key: key, subject: subject, run: run))
    open.insert(key)
  }

  /// Feeds `element` to `key`'s task, if it has one.
  @_specialize(exported:true,where Element == Datum)
  package mutating func send(_ element: Element, to key: String) {
    guard open.contains(key) else { return }
    actions.append(.yield(key: key, element: element))
  }

  /// Ends `key`'s input: its task finishes what it has and ends.
  @_specialize(exported:true,where Element == Datum)
  package mutating func finish(_ key: String) {
    guard open.remove(key) != nil else { return }
    actions.append(.finish(key: key))
  }

  /// Ends every task's input, and returns their keys, in order: for the caller to end them one
  /// after another.
  mutating func finishAll() -> [String] {
    defer { open.removeAll() }
    return open.sorted()
  }

  /// Moves `key`'s task to `newKey`.
  @_specialize(exported:true,where Element == Datum)
  package mutating func rename(_ key: String, to newKey: String) {
    guard key != newKey, open.remove(key) != nil else { return }
    open.insert(newKey)
    actions.append(.rename(from: key, to: newKey))
  }

  /// Forgets the actions carried out, keeping the buffer for the next request's.
  mutating func clearActions() {
    actions.removeAll(keepingCapacity: true)
  }
}

/// Names a key's task in errors and spans ("window [0, 60000) keys [a]"), built only when it
/// is needed: a window with 10,000 keys would otherwise hold 10,000 such strings.
package struct TaskSubject: Sendable, CustomStringConvertible {
  /// What the keys belong to ("window [0, 60000)", "session [0, 10000)"), shared by every key
  /// of a stream where it can be; empty for an accumulator's keys.
  let scope: String
  let keys: [String]

  package init(_ scope: String, keys: [String]) {
    self.scope = scope
    self.keys = keys
  }

  package var description: String {
    scope.isEmpty ? "keys \(keys)" : "\(scope) keys \(keys)"
  }
}

/// Why a windowed request cannot be handled; the stream ends with it as a protocol violation.
package struct WindowRequestError: Error {
  package let problem: String
  package init(_ problem: String) { self.problem = problem }
}

/// Serves a windowed stream (reduce, session reduce, accumulator): reads its requests, lets
/// `route` turn each into work for per-key tasks (``KeyedTasks``), runs those tasks in a task
/// group, and at the client's half-close ends every task's input, waits for them all, then runs
/// `afterAll` (an aligned reduce's EOF).
///
/// The reader takes no request while the stream's outbound queue is full.
///
/// A request `route` refuses ends the stream with a status that says why, after the tasks
/// already started have finished. A task's error is a UDF failure for the stream and the
/// server, as on every stream (``StreamSession``); the other tasks finish first.
///
/// Pre-specialized for each windowed kind, as the other stream loops are
/// (`UnaryStreamLoop.swift`): unspecialized, generic metadata look-ups took a fifth of an
/// accumulator server's CPU (perf, 2026-12-06).
@_specialize(
  exported:true,where Request == Reduce_V1_ReduceRequest, Response == Reduce_V1_ReduceResponse, Element == Datum
)
@_specialize(
  exported:true,where
    Request == Sessionreduce_V1_SessionReduceRequest, Response == Sessionreduce_V1_SessionReduceResponse,
    Element == Datum
)
@_specialize(
  exported:true,where
    Request == Accumulator_V1_AccumulatorRequest, Response == Accumulator_V1_AccumulatorResponse, Element == Datum
)
package func serveKeyedTasks<Request: Sendable, Response: Sendable, Element: Sendable>(
  requests: RPCAsyncSequence<Request, any Error>,
  outbound: OutboundQueue<Response>,
  shape: StreamShape<Request, Response>,
  handlerName: String,
  lifecycle: ServerLifecycle,
  route: @escaping @Sendable (Request, inout KeyedTasks<Element>) throws(WindowRequestError) -> Void,
  afterAll: @escaping @Sendable () async throws -> Void = {}
) async throws {
  try await serveStream(
    requests: requests, outbound: outbound, shape: shape, handlerName: handlerName, lifecycle: lifecycle
  ) { reader, session in
    try await withThrowingTaskGroup(of: Void.self) { group in
      var tasks = KeyedTasks<Element>()
      var inputs: [String: (input: KeyedInput<Element>, tally: DatumTally?)] = [:]
      let telemetry = lifecycle.telemetry

      func apply(_ actions: [KeyedTasks<Element>.Action]) {
        for action in actions {
          switch action {
          case .start(let key, let subject, let run):
            let input = KeyedInput<Element>()
            // Counted only for telemetry: with none, a key costs no tally and a datum no atomic add.
            let tally = telemetry.isEnabled ? DatumTally() : nil
            inputs[key] = (input, tally)
            guard session.begin() else { input.finish(); continue }
            group.addTask {
              defer { session.end() }
              do {
                if telemetry.isEnabled {
                  try await telemetry.task(subject: subject.description, tally: tally) { try await run(input) }
                } else {
                  try await run(input)
                }
              } catch {
                session.handlerFailed(error, subject: subject.description)
              }
            }
          case .yield(let key, let element):
            guard let input = inputs[key] else { continue }
            input.input.yield(element)
            input.tally?.add()
          case .finish(let key):
            inputs.removeValue(forKey: key)?.input.finish()
          case .rename(let from, let to):
            inputs[to] = inputs.removeValue(forKey: from)
          }
        }
      }

      // Room first: tasks write when their window or session closes, so while numa does not
      // read, the reader stops instead of starting more of them.
      func nextRequest() async -> StreamReader<Request, Response>.Event? {
        await outbound.waitForRoom()
        return await reader.next()
      }

      while let event = await nextRequest() {
        guard case .request(let id, let request) = event else {
          session.violated(StreamStatus.unexpectedEndOfBatch(rpc: shape.rpc))
          break
        }
        do throws(WindowRequestError) {
          try route(request, &tasks)
        } catch {
          session.violated(StreamStatus.invalidRequest(rpc: shape.rpc, id: id, problem: error.problem))
          break
        }
        apply(tasks.actions)
        tasks.clearActions()
      }
      // Every key's input ends with the stream, and each task then makes its results and waits
      // for room to send them: 10,000 keys ending at once held 10,000 results and suspended
      // sends (+20 MB). Inputs end a queue's worth at a time instead, as earlier tasks return.
      let closing = lifecycle.configuration.maxConcurrentRequests
      var ending = 0
      for key in tasks.finishAll() {
        while ending >= closing, try await group.next() != nil { ending -= 1 }
        inputs.removeValue(forKey: key)?.input.finish()
        ending += 1
      }
      for input in inputs.values { input.input.finish() }
      try await group.waitForAll()
    }
    if session.fault == nil && !Task.isCancelled { try await afterAll() }
  }
}
