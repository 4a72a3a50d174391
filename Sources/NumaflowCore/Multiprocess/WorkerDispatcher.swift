import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server process's side of multiprocess mode: N worker processes behind the one gRPC
/// endpoint. Each request goes to the least-loaded live worker; its response comes back by
/// sequence number. A worker that dies turns the requests it held into UDF failures naming them,
/// and so every request after it: the server is going down, and numa re-sends what was not
/// answered once the container has restarted.
///
/// It deals in encoded requests and responses only; ``WorkerPool`` encodes and decodes them.
/// Not generic on purpose: the pool's state is touched for every request, and as a generic
/// class called from the kinds' generic code its every access looked up type metadata at run
/// time (a sixth of the server process's CPU in multiprocess mode, measured with perf).
package final class WorkerDispatcher: Sendable {
  /// What a worker's reply goes to.
  package typealias Completion = @Sendable (Result<ByteBuffer, any Error>) -> Void

  private struct Pending {
    var worker: Int
    var requestID: String
    /// A ``call(_:id:)`` waiting for the reply; or ``submit(_:id:completion:)``'s callback, set from
    /// the start.
    var continuation: CheckedContinuation<Result<ByteBuffer, any Error>, Never>?
    var completion: Completion?
    var result: Result<ByteBuffer, any Error>?
  }

  private struct Worker {
    var pid: pid_t
    /// Where frames to the worker go, once it is connected.
    var connection: WorkerConnection?
    var load = 0
    var alive = true
    /// Killed by the pool after the grace period: its end is no failure.
    var killed = false
  }

  private struct State {
    var workers: [Worker]
    var pending: [UInt64: Pending] = [:]
    var nextSequence: UInt64 = 0
    /// The worker chosen last: among equally loaded workers the next one after it is chosen,
    /// so that work spreads over all of them even when each call ends before the next starts.
    var lastChosen = -1
    var settled = 0
    var closing = false
    /// Set when a worker died unexpectedly: the server is going down, and new requests fail at
    /// once with this error rather than go to the workers left.
    var broken: WorkerError?
  }

  private let state: Mutex<State>
  private let lifecycle: ServerLifecycle
  /// Signalled when every worker is connected (or already gone).
  private let settled = OneShotEvent()

  private init(pids: [pid_t], lifecycle: ServerLifecycle) {
    self.state = Mutex(State(workers: pids.map { Worker(pid: $0) }))
    self.lifecycle = lifecycle
  }

  /// Starts `workerCount` workers, runs `body` with them, then stops the workers: each
  /// finishes what it holds and exits; one that has not exited after the grace period is killed.
  /// A worker that cannot be started is a ``ConfigurationError``; the ones already started are
  /// stopped first.
  static func withWorkers<Result: Sendable>(
    lifecycle: ServerLifecycle,
    command: WorkerSpawner.Command,
    body: @Sendable (WorkerDispatcher) async throws -> Result
  ) async throws -> Result {
    let configuration = lifecycle.configuration
    var spawned: [WorkerSpawner.Spawned] = []
    do {
      for index in 0..<configuration.workerCount {
        spawned.append(try WorkerSpawner.spawn(index: index, command: command))
      }
    } catch {
      for worker in spawned {
        kill(worker.pid, SIGKILL)
        close(worker.descriptor)
        _ = await WorkerSpawner.exitDescription(of: worker.pid, within: .seconds(5))
      }
      throw error
    }
    lifecycle.logger.info(
      "started worker processes",
      metadata: ["count": "\(spawned.count)", "pids": "\(spawned.map(\.pid))"]
    )

    let pool = WorkerDispatcher(pids: spawned.map(\.pid), lifecycle: lifecycle)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      for (index, worker) in spawned.enumerated() {
        group.addTask { await pool.supervise(index: index, worker: worker) }
      }
      await pool.settled.wait()
      let outcome: Swift.Result<Result, any Error>
      do {
        outcome = .success(try await body(pool))
      } catch {
        outcome = .failure(error)
      }
      pool.stopWorkers()
      group.addTask {
        // After the grace period (or at once, when it is already over) nothing a worker still
        // holds can be answered.
        if !lifecycle.forcedStop.isSignalled { try await Task.sleep(for: configuration.shutdownGracePeriod) }
        pool.killRemaining()
      }
      // The supervisors end when their workers have exited; then the killer is not needed.
      for _ in spawned.indices { try await group.next() }
      group.cancelAll()
      return try outcome.get()
    }
  }

  /// Sends `request` (its id: `id`) to a worker and waits for its response.
  func call(_ request: ByteBuffer, id: String) async throws -> ByteBuffer {
    let (sequence, frame, connection) = try dispatch(request, id: id, completion: nil)
    // A worker whose socket is gone drops the frame; its supervisor fails this call with the
    // worker's death.
    connection.send(frame)

    let reply = await suspend { continuation in
      state.withLock { state -> Result<ByteBuffer, any Error>? in
        guard let pending = state.pending[sequence] else { return .failure(CancellationError()) }
        if let result = pending.result {
          state.pending[sequence] = nil
          return result
        }
        state.pending[sequence]?.continuation = continuation
        return nil
      }
    } onCancel: {
      self.complete(sequence, with: .failure(CancellationError()))
    }
    return try reply.get()
  }

  /// Sends `request` (its id: `id`) to a worker; `completion` gets its response, or why there is
  /// none, on the thread that reads the worker's replies (the connection's event loop). No task
  /// and no continuation per request: what a unary stream needs, where a request's answer only
  /// has to be queued for numa (map, 2 workers: 8-15% less CPU per message than a task waiting
  /// in ``call(_:id:)`` for each). Every request gets exactly one completion: the reply, the
  /// worker's failure, its death, or the pool stopping.
  func submit(_ request: ByteBuffer, id: String, completion: @escaping Completion) {
    do {
      let (_, frame, connection) = try dispatch(request, id: id, completion: completion)
      // Not bounded here: numa's stream bounds what it has in flight, so what waits for a
      // worker is bounded too. A worker whose socket is gone drops the frame; its supervisor
      // fails the request with the worker's death.
      connection.send(frame)
    } catch {
      completion(.failure(error))
    }
  }

  /// Picks the least-loaded live worker for `request`, records the request as pending there,
  /// and makes its frame.
  private func dispatch(
    _ payload: ByteBuffer, id: String, completion: Completion?
  ) throws -> (sequence: UInt64, frame: WorkerFrame, connection: WorkerConnection) {
    let (sequence, connection) = try state.withLock { state -> (UInt64, WorkerConnection) in
      guard !state.closing else {
        throw WorkerError(
          summary: "the worker processes are stopping; request '\(id)' was not handled", details: "", died: true)
      }
      if let broken = state.broken {
        throw WorkerError(
          summary: "\(broken.summary); request '\(id)' was not handled", details: broken.details, died: true)
      }
      // Least loaded first; among equals, the next after the last chosen.
      let (count, last) = (state.workers.count, state.lastChosen)
      var chosen: Int?
      var best = (load: Int.max, distance: Int.max)
      for index in state.workers.indices where state.workers[index].alive && state.workers[index].connection != nil {
        let rank = (load: state.workers[index].load, distance: (index - last - 1 + count) % count)
        if rank < best { (chosen, best) = (index, rank) }
      }
      guard let chosen else {
        throw WorkerError(summary: "no worker process is alive to handle request '\(id)'", details: "", died: true)
      }
      let sequence = state.nextSequence
      state.nextSequence += 1
      state.lastChosen = chosen
      state.workers[chosen].load += 1
      state.pending[sequence] = Pending(worker: chosen, requestID: id, completion: completion)
      return (sequence, state.workers[chosen].connection!)
    }
    return (sequence, WorkerFrame(sequence: sequence, kind: .request, payload: payload), connection)
  }

  /// Delivers a result to a pending call, whether or not it is waiting yet. Only the first
  /// result counts; the worker's load drops with it.
  private func complete(_ sequence: UInt64, with result: Result<ByteBuffer, any Error>) {
    let (continuation, completion) = state.withLock {
      state -> (CheckedContinuation<Result<ByteBuffer, any Error>, Never>?, Completion?) in
      guard var pending = state.pending[sequence], pending.result == nil else { return (nil, nil) }
      state.workers[pending.worker].load -= 1
      if pending.continuation != nil || pending.completion != nil {
        state.pending[sequence] = nil
        return (pending.continuation, pending.completion)
      }
      pending.result = result
      state.pending[sequence] = pending
      return (nil, nil)
    }
    continuation?.resume(returning: result)
    completion?(result)
  }

  /// Reads one worker's replies until its connection ends, then reports how the worker ended.
  /// The requests it held fail at once; a worker that closed its connection but still runs is
  /// killed, since it can no longer answer.
  /// The worker's socket lives on the first of the server's event loops: a reply reaches the
  /// request waiting for it where it is read, without a hop between threads.
  private func supervise(index: Int, worker: WorkerSpawner.Spawned) async {
    let logger = lifecycle.logger
    do {
      let connection = try await WorkerConnection.adopting(
        descriptor: worker.descriptor,
        maxMessageSize: lifecycle.configuration.maxMessageSize,
        eventLoop: lifecycle.eventLoops.first,
        logger: logger
      ) { frame in
        self.received(frame, from: index)
      }
      register(index: index, connection: connection)
      await connection.closed()
    } catch {
      logger.debug("worker connection ended", metadata: ["worker": "\(index)", "error": "\(error)"])
    }
    // A worker told to stop closes its connection first, then shuts down the services beside its
    // server (an exporter flushing its spans): it has the grace period, after which
    // `killRemaining` ends it. Otherwise a closed connection means a broken worker.
    let stopping = state.withLock { $0.closing }
    let patience = stopping ? lifecycle.configuration.shutdownGracePeriod : .seconds(2)
    var exit = await WorkerSpawner.exitDescription(of: worker.pid, within: patience)
    if exit == nil {
      kill(worker.pid, SIGKILL)
      _ = await WorkerSpawner.exitDescription(of: worker.pid, within: .seconds(5))
      exit = "closed its connection but kept running (it was killed)"
    }
    workerEnded(index: index, pid: worker.pid, exit: exit ?? "ended")
  }

  /// Settles the request a worker's frame answers.
  private func received(_ frame: WorkerFrame, from index: Int) {
    switch frame.kind {
    case .response:
      complete(frame.sequence, with: .success(frame.payload))
    case .failure:
      complete(frame.sequence, with: .failure(WorkerError(failurePayload: frame.payload, worker: index)))
    case .unreadable:
      complete(frame.sequence, with: .failure(UnreadableRequest(reason: String(buffer: frame.payload))))
    default:
      lifecycle.logger.warning("ignoring an unexpected frame from a worker", metadata: ["worker": "\(index)"])
    }
  }

  private func register(index: Int, connection: WorkerConnection) {
    let allSettled = state.withLock { state in
      state.workers[index].connection = connection
      state.settled += 1
      return state.settled == state.workers.count
    }
    if allSettled { settled.signal() }
  }

  private func workerEnded(index: Int, pid: pid_t, exit: String) {
    let (orphans, expected, killed, allSettled) = state.withLock { state in
      let wasRegistered = state.workers[index].connection != nil
      state.workers[index].alive = false
      state.workers[index].connection = nil
      if !wasRegistered { state.settled += 1 }
      let orphans = state.pending.filter { $0.value.worker == index && $0.value.result == nil }
      return (orphans, state.closing, state.workers[index].killed, state.settled == state.workers.count)
    }
    if allSettled { settled.signal() }
    if killed {
      // Nothing it held can be answered any more; no call may wait for it.
      let stopped = WorkerError(summary: "worker process \(index) was stopped after the grace period", details: "")
      for sequence in orphans.keys { complete(sequence, with: .failure(stopped)) }
      lifecycle.logger.debug("worker killed after the grace period", metadata: ["worker": "\(index)", "pid": "\(pid)"])
      return
    }

    let clean = expected && WorkerSpawner.exitedCleanly(exit)
    if clean && orphans.isEmpty {
      lifecycle.logger.debug("worker exited", metadata: ["worker": "\(index)", "pid": "\(pid)"])
      return
    }
    let ids = orphans.values.map(\.requestID).sorted()
    let holding =
      ids.isEmpty ? "while idle" : "while handling request(s) \(ids.map { "'\($0)'" }.joined(separator: ", "))"
    let error = WorkerError(
      summary: "worker process \(index) (pid \(pid)) \(exit) \(holding)",
      details: "Multiprocess mode contains crashes to one worker; the server reports it and exits "
        + "so that Kubernetes restarts the container and numa re-drives the messages.",
      died: true
    )
    lifecycle.telemetry.metrics?.countWorkerDeath()
    // Whatever numa sends next fails too, naming the death: a worker that died idle would
    // otherwise leave numa's streams open, served by the other workers, until the grace period.
    state.withLock { state in
      if state.broken == nil { state.broken = error }
    }
    for sequence in orphans.keys {
      complete(sequence, with: .failure(error))
    }
    if ids.isEmpty {
      lifecycle.recordFailure(
        UDFFailure(
          code: .workerDied,
          containerType: lifecycle.configuration.udContainerType,
          summary: error.summary,
          details: error.details
        ))
    }
  }

  /// Asks every live worker to finish what it holds and exit.
  private func stopWorkers() {
    let connections = state.withLock { state in
      state.closing = true
      return state.workers.compactMap(\.connection)
    }
    for connection in connections {
      connection.send(WorkerFrame(sequence: 0, kind: .shutdown, payload: ByteBuffer()))
    }
  }

  private func killRemaining() {
    let alive = state.withLock { state in
      state.workers.indices.filter { state.workers[$0].alive }.map { index in
        state.workers[index].killed = true
        return state.workers[index].pid
      }
    }
    for pid in alive {
      lifecycle.logger.warning(
        "killing a worker that did not stop within the grace period", metadata: ["pid": "\(pid)"])
      kill(pid, SIGKILL)
    }
  }
}
