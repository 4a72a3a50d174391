import Foundation
import MetricsTestKit
import NIOCore
import NumaflowTesting
import Testing

@testable import NumaflowCore

/// The worker pool with stand-in workers that misbehave: they cannot be started, exit at once,
/// or close their connection and run on. No call may wait for a worker that cannot answer.
@Suite(.timeLimit(.minutes(5)))
struct WorkerPoolTests {
  let codec = WorkerCodec<String, String>(
    encodeRequest: { ByteBuffer(string: $0) },
    decodeRequest: { String(buffer: $0) },
    encodeResponse: { ByteBuffer(string: $0) },
    decodeResponse: { String(buffer: $0) },
    requestID: { $0 }
  )

  func lifecycle(metrics: TestMetrics? = nil, workers: Int = 1, grace: Duration? = nil) throws -> ServerLifecycle {
    var configuration = ServerConfiguration.testDefaults
    configuration.workerCount = workers
    if let grace { configuration.shutdownGracePeriod = grace }
    configuration.runtimeDirectory = try makeTemporaryDirectory(prefix: "worker-pool")
    let handlerMetrics = metrics.map { HandlerMetrics(kind: "map", mode: "multiprocess", factory: $0) }
    return ServerLifecycle(
      configuration: configuration, telemetry: Telemetry(kind: "map", tracer: nil, metrics: handlerMetrics))
  }

  /// The response to `request`, or the words of the error it failed with; `nil` when it is
  /// still waiting after `limit`. `way` is how the request goes: `call` (a task waits for it)
  /// or `submit` (a callback gets it, as a unary stream's requests do).
  func answerOrError(
    of request: String, from pool: WorkerPool<String, String>, via way: String = "call", within limit: Duration
  ) async throws -> String? {
    try await finishes(within: limit) {
      let outcome: Result<String, any Error>
      if way == "submit" {
        outcome = await withCheckedContinuation { answered in
          pool.submit(request) { answered.resume(returning: $0) }
        }
      } else {
        do { outcome = .success(try await pool.call(request)) } catch { outcome = .failure(error) }
      }
      switch outcome {
      case .success(let response): return response
      case .failure(let error): return "\(error)"
      }
    }
  }

  func shell(_ script: String) -> WorkerSpawner.Command {
    WorkerSpawner.Command(executable: "/bin/sh", arguments: ["sh", "-c", script])
  }

  @Test func aWorkerThatCannotBeStartedIsAConfigurationError() async throws {
    let command = WorkerSpawner.Command(executable: "/nonexistent/udf", arguments: ["udf"])
    let lifecycle = try lifecycle()
    await #expect {
      try await WorkerPool.withPool(lifecycle: lifecycle, codec: codec, command: command) { _ in }
    } throws: { error in
      let error = error as? ConfigurationError
      return error?.code == .workerSpawn && error?.message.contains("/nonexistent/udf") == true
    }
  }

  @Test(arguments: ["call", "submit"])
  func aWorkerThatNeverStartsIsAUDFFailureAndNoCallWaitsForIt(way: String) async throws {
    let metrics = TestMetrics()
    let lifecycle = try lifecycle(metrics: metrics)
    try await WorkerPool.withPool(lifecycle: lifecycle, codec: codec, command: shell("exit 4")) { pool in
      let failed: Void? = try await finishes(within: .seconds(10)) { await lifecycle.failed.wait() }
      #expect(failed != nil, "the worker's exit was not reported")
      let outcome = try await answerOrError(of: "late", from: pool, via: way, within: .seconds(10))
      #expect(outcome?.contains("request 'late' was not handled") == true)
    }
    let failure = try #require(lifecycle.failure)
    #expect(failure.code == .workerDied)
    #expect(failure.message.contains("exited with status 4 while idle"))
    let deaths = try metrics.expectCounter(
      "numaflow_udf_worker_deaths_total", [("kind", "map"), ("mode", "multiprocess")])
    #expect(deaths.totalValue == 1)
  }

  /// Stand-in workers that read one request, then can never answer while they run on: one
  /// closes its end of the socket; one replies with no frame (a length shorter than a frame's
  /// header), which closes the connection from the server's side.
  static let workersThatCannotAnswer = [
    "head -c 1 <&3 >/dev/null; exec 3>&-; sleep 60",
    "head -c 1 <&3 >/dev/null; printf '\\000\\000\\000\\001x' >&3; sleep 60",
  ]

  @Test(arguments: ["call", "submit"], workersThatCannotAnswer)
  func aWorkerThatCannotAnswerButRunsOnFailsWhatItHeld(way: String, script: String) async throws {
    let lifecycle = try lifecycle()
    try await WorkerPool.withPool(lifecycle: lifecycle, codec: codec, command: shell(script)) { pool in
      let outcome = try await answerOrError(of: "held", from: pool, via: way, within: .seconds(20))
      let error = try #require(outcome, "the call waited for a worker that could not answer")
      #expect(error.contains("closed its connection but kept running (it was killed)"))
      #expect(error.contains("'held'"))
    }
    #expect(lifecycle.failure == nil, "the failed call is its stream's failure; the pool reports nothing twice")
  }

  /// Found by Benchmarks/chaos.py: a worker killed while idle left numa's stream served by the
  /// others until the grace period ended it. The server is going down: nothing more is sent.
  @Test(arguments: ["call", "submit"])
  func afterAWorkerDiesNoRequestGoesToTheOthers(way: String) async throws {
    // The worker left sleeping is killed when the pool ends, after the grace period.
    let lifecycle = try lifecycle(workers: 2, grace: .seconds(1))
    let marker = try makeTemporaryDirectory(prefix: "worker-pool-once")
    // The first worker to start exits at once; the other runs on and would never answer.
    let script = "mkdir '\(marker)/died' 2>/dev/null && exit 4; sleep 60"
    try await WorkerPool.withPool(lifecycle: lifecycle, codec: codec, command: shell(script)) { pool in
      let failed: Void? = try await finishes(within: .seconds(10)) { await lifecycle.failed.wait() }
      #expect(failed != nil, "the worker's exit was not reported")
      let outcome = try await answerOrError(of: "late", from: pool, via: way, within: .seconds(10))
      let error = try #require(outcome, "the request went to the worker that never answers")
      #expect(error.contains("exited with status 4 while idle; request 'late' was not handled"))
    }
  }
}
