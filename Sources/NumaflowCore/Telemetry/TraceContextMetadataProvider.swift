import Logging
import Tracing
import W3CTraceContext

extension Logger.MetadataProvider {
  /// Adds the current span's `trace_id` and `span_id` to every log line, so that a log line
  /// written in a handler finds its trace (and numa's, which the handler's span continues).
  ///
  /// Bootstrap it with the tracer, before the server runs:
  /// ```swift
  /// InstrumentationSystem.bootstrap(tracer)
  /// LoggingSystem.bootstrap(StreamLogHandler.standardError, metadataProvider: .traceContext)
  /// await MapServer(mapper: Uppercase()).runService()
  /// ```
  ///
  /// It asks the bootstrapped tracer to write the current context as W3C `traceparent` (what
  /// swift-otel's tracer does), so it works with any tracer that propagates W3C trace context;
  /// outside a span, or with no tracer, it adds nothing.
  public static let traceContext = Logger.MetadataProvider {
    guard let context = ServiceContext.current else { return [:] }
    var carrier: [String: String] = [:]
    InstrumentationSystem.instrument.inject(context, into: &carrier, using: HeaderInjector())
    guard let header = carrier["traceparent"],
      let trace = try? TraceContext(traceParentHeaderValue: header)
    else { return [:] }
    return ["trace_id": "\(trace.traceID)", "span_id": "\(trace.spanID)"]
  }
}

/// Writes a context's propagation headers into a dictionary.
private struct HeaderInjector: Injector {
  func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
    carrier[key] = value
  }
}
