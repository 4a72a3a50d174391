import CoreMetrics
import Tracing

/// Where one server's spans and metrics go, fixed when the server starts: the tracer and the
/// metrics factory of the task that runs it (the bootstrapped ones, or those of an enclosing
/// `withTracer` or `withMetricsFactory`). With neither, handlers run exactly as they would
/// without this type: nothing is paid for what nobody collects.
package struct Telemetry: Sendable {
  /// The kind, as metrics label it and spans name it: `map`, `sink`, `reduce`, ...
  package let kind: String
  /// `nil` when no tracer is bootstrapped.
  package let tracer: (any Tracer)?
  /// `nil` when no metrics backend is bootstrapped.
  package let metrics: HandlerMetrics?

  package init(kind: String, tracer: (any Tracer)?, metrics: HandlerMetrics?) {
    self.kind = kind
    self.tracer = tracer
    self.metrics = metrics
  }

  /// What the current task reports to, for a server of `kind` running in `mode`.
  package static func current(kind: String, mode: String) -> Telemetry {
    let tracer = InstrumentationSystem.tracer
    let factory = MetricsSystem.factory
    return Telemetry(
      kind: kind,
      tracer: tracer is NoOpTracer ? nil : tracer,
      metrics: factory is NOOPMetricsHandler ? nil : HandlerMetrics(kind: kind, mode: mode, factory: factory)
    )
  }

  /// Reports nothing: for code paths that run before a server starts.
  package static let none = Telemetry(kind: "", tracer: nil, metrics: nil)

  package var isEnabled: Bool { tracer != nil || metrics != nil }
}

extension Endpoint {
  /// The kind's name in spans and metric labels: the socket's name without `.sock` (`map`,
  /// `mapstream`, `batchmap`, `sourcetransform`, `source`, `sink`, `fb-sink`, `ons-sink`,
  /// `reduce`, `reducestream`, `sessionreduce`, `accumulator`, `sideinput`, `serving`).
  package var kindName: String {
    socketFileName.hasSuffix(".sock") ? String(socketFileName.dropLast(5)) : socketFileName
  }
}
