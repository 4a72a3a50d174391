import Foundation

/// A vertex's `retryStrategy`, as numa plays it on failed messages: wait `interval`, growing by
/// `factor` up to `cap`, plus up to `jitter` × the wait at random (Kubernetes' `wait.Backoff`,
/// which numa's backoff follows), for `steps` retries; then `onFailure`. numa's defaults: 1 ms,
/// again and again (`steps` `nil`), factor 1, no cap, no jitter, onFailure `retry`.
/// `numaflow-dev run` plays it from flags, `pipeline run` from a sink's manifest.
package struct RetryStrategy: Sendable {
  package enum OnFailure: String, Sendable, CaseIterable {
    case retry, fallback, drop
  }

  package var interval: Duration = .milliseconds(1)
  /// Retries before `onFailure`; `nil` for numa's default, as many as it takes.
  package var steps: Int?
  package var factor: Double = 1
  package var cap: Duration?
  package var jitter: Double = 0
  package var onFailure: OnFailure = .retry

  package init() {}

  /// The wait before retry `attempt` (1 for the first): interval × factor^(attempt-1), capped,
  /// then lengthened by up to `jitter` of itself.
  package func delay(beforeRetry attempt: Int) -> Duration {
    let grown = interval * pow(factor, Double(attempt - 1))
    let capped = cap.map { min(grown, $0) } ?? grown
    guard jitter > 0 else { return capped }
    return capped * (1 + Double.random(in: 0...jitter))
  }
}
