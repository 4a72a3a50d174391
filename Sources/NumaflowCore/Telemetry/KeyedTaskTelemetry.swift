import CoreMetrics
import Synchronization
import Tracing

/// How many datums a task has been fed (a keyed window's, a serving put's payloads), or how
/// many messages it has written (a source read's, a serving get's payloads); read when the task
/// ends.
package final class DatumTally: Sendable {
  private let count: Atomic<Int>
  package init(_ count: Int = 0) { self.count = Atomic(count) }
  package func add(_ more: Int = 1) { count.add(more, ordering: .relaxed) }
  package var value: Int { count.load(ordering: .relaxed) }
}

extension Telemetry {
  /// What a task's tally counts.
  package enum TallyRole: Sendable {
    /// The datums fed to a keyed window, session or accumulator key.
    case datums
    /// The messages a source read wrote.
    case outputs
  }

  /// Runs one task that takes or makes many messages as one handler call: a keyed task of a
  /// windowed kind (a keyed window, a session, an accumulator key), a source read, or a serving
  /// store's put or get. One span
  /// from its start to its end, a new trace (numa sends these kinds no trace context), with
  /// `subject` ("window [0, 60000) keys [a]") and the tally's count; and the call's metrics,
  /// its size among them.
  package func task(
    subject: String, tally: DatumTally?, counting role: TallyRole = .datums, _ run: () async throws -> Void
  ) async throws {
    guard isEnabled else { return try await run() }
    try await observedTask(subject: subject, tally: tally, counting: role, run)
  }

  /// ``task(subject:tally:counting:_:)`` with a span and metrics: a function of its own, so that
  /// a task without telemetry does not carry this one's async frame (a keyed window holds its
  /// task's frames for as long as the window is open, one per key).
  private func observedTask(
    subject: String, tally: DatumTally?, counting role: TallyRole, _ run: () async throws -> Void
  ) async throws {
    let started = metrics?.begin(datums: 0, sized: false)
    let span = tracer?.startSpan(spanName, context: ServiceContext.topLevel, ofKind: .consumer)
    span?.updateAttributes { attributes in
      attributes["messaging.system"] = "numaflow"
      attributes["messaging.operation.type"] = "process"
      attributes["numaflow.udf.kind"] = kind
      attributes["numaflow.udf.task"] = subject
    }
    func finish(_ error: (any Error)?) {
      let count = tally?.value ?? 0
      span?.attributes["messaging.batch.message_count"] = count
      if let error, let span { record(error, on: span) }
      span?.end()
      guard let metrics, let started else { return }
      metrics.callSize.record(count)
      if role == .datums, count > 0 { metrics.datums.increment(by: count) }
      if error == nil { metrics.end(started, outputs: role == .outputs ? count : 0) } else { metrics.fail(started) }
    }
    do {
      if let span {
        try await ServiceContext.$current.withValue(span.context) { try await run() }
      } else {
        try await run()
      }
      finish(nil)
    } catch {
      finish(error)
      throw error
    }
  }
}
