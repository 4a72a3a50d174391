import CoreMetrics

/// The metrics of one server, made once when it starts. Every metric has the labels `kind` and
/// `mode` and no other, so none grows with the data (no keys, no ids). The table of names is in
/// NumaflowCore's article "Observability".
package final class HandlerMetrics: Sendable {
  /// Handler calls started: one per request for map, transformer, stream map and side input;
  /// per batch for batch map and sink; per keyed window for the windowed kinds; per read for a
  /// source.
  package let calls: Counter
  /// Datums handed to handlers (a batch counts its datums).
  package let datums: Counter
  /// Messages the handlers returned or wrote, drops and nacks included.
  package let outputs: Counter
  /// Handler calls that threw (each one is a UDF failure).
  package let errors: Counter
  /// How long each handler call took, from its first datum to its return.
  package let duration: Timer
  /// Handler calls running now.
  package let inFlight: Meter
  /// Datums per call, for the kinds that take several at once (batches, windows, reads).
  package let callSize: Recorder
  /// Worker processes that died (multiprocess mode); each is also a UDF failure.
  package let workerDeaths: Counter

  package init(kind: String, mode: String, factory: any MetricsFactory) {
    let labels = [("kind", kind), ("mode", mode)]
    calls = Counter(label: "numaflow_udf_calls_total", dimensions: labels, factory: factory)
    datums = Counter(label: "numaflow_udf_datums_total", dimensions: labels, factory: factory)
    outputs = Counter(label: "numaflow_udf_outputs_total", dimensions: labels, factory: factory)
    errors = Counter(label: "numaflow_udf_errors_total", dimensions: labels, factory: factory)
    duration = Timer(label: "numaflow_udf_call_duration_seconds", dimensions: labels, factory: factory)
    inFlight = Meter(label: "numaflow_udf_calls_in_flight", dimensions: labels, factory: factory)
    callSize = Recorder(label: "numaflow_udf_call_datums", dimensions: labels, aggregate: true, factory: factory)
    workerDeaths = Counter(label: "numaflow_udf_worker_deaths_total", dimensions: labels, factory: factory)
  }

  /// Counts one call of `datums` datums around `body`, which returns how many outputs it made.
  package func measure<Value>(
    datums count: Int, sized: Bool, outputs: (Value) -> Int, _ body: () throws -> Value
  ) rethrows -> Value {
    let started = begin(datums: count, sized: sized)
    do {
      let value = try body()
      end(started, outputs: outputs(value))
      return value
    } catch {
      fail(started)
      throw error
    }
  }

  /// As ``measure(datums:sized:outputs:_:)``, for an async call.
  package func measure<Value>(
    datums count: Int, sized: Bool, outputs: (Value) -> Int, _ body: () async throws -> Value
  ) async rethrows -> Value {
    let started = begin(datums: count, sized: sized)
    do {
      let value = try await body()
      end(started, outputs: outputs(value))
      return value
    } catch {
      fail(started)
      throw error
    }
  }

  /// Marks a call as started; pass the result to ``end(_:outputs:)`` or ``fail(_:)``.
  package func begin(datums count: Int, sized: Bool) -> ContinuousClock.Instant {
    calls.increment()
    if count > 0 { datums.increment(by: count) }
    if sized { callSize.record(count) }
    inFlight.increment()
    return .now
  }

  package func end(_ started: ContinuousClock.Instant, outputs count: Int) {
    inFlight.decrement()
    if count > 0 { outputs.increment(by: count) }
    duration.recordNanoseconds(Self.nanoseconds(since: started))
  }

  /// Counts a worker process that ended unexpectedly.
  package func countWorkerDeath() {
    workerDeaths.increment()
  }

  /// Counts outputs written while a call runs (streaming kinds).
  package func countOutputs(_ count: Int) {
    if count > 0 { outputs.increment(by: count) }
  }

  package func fail(_ started: ContinuousClock.Instant) {
    inFlight.decrement()
    errors.increment()
    duration.recordNanoseconds(Self.nanoseconds(since: started))
  }

  private static func nanoseconds(since started: ContinuousClock.Instant) -> Int64 {
    let elapsed = started.duration(to: .now).components
    return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
  }
}
