import ArgumentParser
import Foundation
import NumaflowCore
import NumaflowDevKit

/// How `run` plays a vertex's `retryStrategy` when a map, stream map, batch map or transformer
/// fails an input (`Message.fail()`): numa calls the UDF again with it after a backoff, and
/// once the steps are spent it drops the input or nacks it (numaproj/numaflow#3570). The
/// flags mirror the spec's fields.
struct RetryOptions: ParsableArguments {
  @Option(help: "map kinds, failed inputs: retryStrategy.backoff.interval, such as 10ms or 1s (numa's default 1ms).")
  var retryInterval: String?

  @Option(help: "map kinds, failed inputs: retryStrategy.backoff.steps, the retries before onFailure.")
  var retrySteps: Int?

  @Option(help: "map kinds, failed inputs: retryStrategy.backoff.factor, each interval's growth (default 1).")
  var retryFactor: Double?

  @Option(help: "map kinds, failed inputs: retryStrategy.backoff.cap, the longest interval.")
  var retryCap: String?

  @Option(help: "map kinds, failed inputs: retryStrategy.backoff.jitter, 0 to 1 (default 0).")
  var retryJitter: Double?

  @Option(
    help: "failed inputs: retryStrategy.onFailure once the steps are spent: retry (nack), drop, or fallback (sinks).")
  var onFailure: RetryStrategy.OnFailure?

  @Option(
    help: "map kinds, failed inputs without a retryStrategy (numa retries forever): give up after this many calls.")
  var maxAttempts = 100

  func validate() throws {
    _ = try strategy
    guard maxAttempts > 0 else { throw ValidationError("--max-attempts must be positive") }
  }

  /// The strategy the flags describe; `nil` when none is given (numa: again and again, no wait).
  var strategy: RetryStrategy? {
    get throws {
      let given =
        [retryInterval, retryCap].contains { $0 != nil } || retrySteps != nil || retryFactor != nil
        || retryJitter != nil || onFailure != nil
      guard given else { return nil }
      func duration(_ text: String?, _ flag: String, default value: Duration) throws -> Duration {
        guard let text else { return value }
        guard let parsed = WindowSpec.duration(text) else {
          throw ValidationError("\(flag): '\(text)' is not a duration such as 10ms or 2s")
        }
        return parsed
      }
      var strategy = RetryStrategy()
      strategy.interval = try duration(retryInterval, "--retry-interval", default: .milliseconds(1))
      strategy.steps = retrySteps
      strategy.factor = retryFactor ?? 1
      strategy.cap = try retryCap.map { try duration($0, "--retry-cap", default: .zero) }
      strategy.jitter = retryJitter ?? 0
      strategy.onFailure = onFailure ?? .retry
      guard (strategy.steps ?? 0) >= 0, strategy.factor >= 1, (0...1).contains(strategy.jitter) else {
        throw ValidationError(
          "--retry-steps must not be negative, --retry-factor at least 1, --retry-jitter within 0…1")
      }
      return strategy
    }
  }
}

extension RetryStrategy.OnFailure: ExpressibleByArgument {}

extension RunInput {
  /// Calls `call` with the records, then again with each input whose outputs include a
  /// failure, as numa does under the run's retry strategy (or, with none, until
  /// `--max-attempts`); logs every attempt. Returns each input's last outputs, none for an
  /// input dropped after its retries.
  func retryingFailures<Output: Sendable>(
    isFailure: (Output) -> Bool, call: (_ datums: [Datum], _ retryCount: Int) async throws -> [[Output]]
  ) async throws -> [[Output]] {
    try await playRetries(
      datums, strategy: retry, maxAttempts: maxAttempts, isFailure: isFailure, call: call
    ).map { $0 ?? [] }
  }
}

/// Calls `call` with `datums` (retry count 0), then again with each input whose outputs include
/// a failure (1, 2, ...), as numa does under `strategy` (or, with none, until `maxAttempts`);
/// logs every attempt. Returns each input's outputs: the last call's, or `nil` for an input
/// dropped after its retries.
func playRetries<Output: Sendable>(
  _ datums: [Datum], strategy: RetryStrategy?, maxAttempts: Int,
  isFailure: (Output) -> Bool,
  call: (_ datums: [Datum], _ retryCount: Int) async throws -> [[Output]]
) async throws -> [[Output]?] {
  var outputs: [[Output]?] = try await call(datums, 0)
  var failing = outputs.indices.filter { outputs[$0]!.contains(where: isFailure) }
  var attempt = 1
  retries: while !failing.isEmpty {
    let list = failing.map(String.init).joined(separator: ", ")
    if let strategy, let steps = strategy.steps, attempt > steps {
      switch strategy.onFailure {
      case .drop:
        log("inputs \(list): failed \(attempt) times, retries spent: numa drops them (onFailure: drop)")
        for index in failing { outputs[index] = nil }
      case .retry:
        log("inputs \(list): failed \(attempt) times, retries spent: numa nacks them (onFailure: retry)")
      case .fallback:
        log("inputs \(list): failed \(attempt) times, retries spent: numa writes them to the fallback sink")
      }
      break retries
    }
    guard strategy?.steps != nil || attempt < maxAttempts else {
      throw ValidationFailure(
        "inputs \(list) failed \(attempt) times: with no retryStrategy steps numa calls the UDF again forever "
          + "(give --retry-steps and --on-failure to play a strategy, or --max-attempts)")
    }
    let delay = strategy?.delay(beforeRetry: attempt) ?? .zero
    log("inputs \(list): failed on attempt \(attempt); calling again in \(delay)")
    try await Task.sleep(for: delay)
    attempt += 1
    let again = try await call(failing.map { datums[$0] }, attempt - 1)
    for (index, result) in zip(failing, again) { outputs[index] = result }
    failing = failing.filter { outputs[$0]!.contains(where: isFailure) }
  }
  return outputs
}
