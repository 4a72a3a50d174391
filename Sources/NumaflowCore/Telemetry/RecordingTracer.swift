@_exported import InMemoryTracing
import Tracing
import W3CTraceContext

/// A tracer for tests and local runs: swift-distributed-tracing's `InMemoryTracer`, keeping
/// every span in memory, that reads and writes W3C trace context (`traceparent`,
/// `tracestate`) as numa and swift-otel do. Its ids are W3C ids in hex. `numaflow-dev run
/// --trace` runs a UDF with one (see the article "Observability").
///
/// ```swift
/// let tracer = RecordingTracer()
/// try await withTracer(tracer) {
///   try await MapServer(mapper: Uppercase()).test { client in
///     _ = try await client.map(Datum(value: Data("a".utf8)).tracedBy(parent))
///   }
/// }
/// let span = try #require(tracer.finishedSpans.first)
/// #expect(span.spanContext.traceID == parent.traceID)
/// ```
public struct RecordingTracer: Tracer {
  /// Where the spans are kept.
  public let spans: InMemoryTracer

  public init() {
    spans = InMemoryTracer(
      idGenerator: .init(
        nextTraceID: { "\(TraceID.random())" },
        nextSpanID: { "\(SpanID.random())" }
      ))
  }

  /// The spans that have ended, in the order they ended.
  public var finishedSpans: [FinishedInMemorySpan] { spans.finishedSpans }

  public func startSpan<Instant: TracerInstant>(
    _ operationName: String,
    context: @autoclosure () -> ServiceContext,
    ofKind kind: SpanKind,
    at instant: @autoclosure () -> Instant,
    function: String,
    file fileID: String,
    line: UInt
  ) -> InMemorySpan {
    spans.startSpan(
      operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
  }

  public func forceFlush() { spans.forceFlush() }

  /// Reads `traceparent` (and `tracestate`) with swift-w3c-trace-context; a missing or
  /// malformed header leaves `context` as it was.
  public func extract<Carrier, Extract: Extractor>(
    _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
  ) where Extract.Carrier == Carrier {
    guard let header = extractor.extract(key: "traceparent", from: carrier),
      let trace = try? TraceContext(
        traceParentHeaderValue: header, traceStateHeaderValue: extractor.extract(key: "tracestate", from: carrier))
    else { return }
    context.inMemorySpanContext = InMemorySpanContext(
      traceID: "\(trace.traceID)", spanID: "\(trace.spanID)", parentSpanID: nil)
  }

  /// Writes the current span as a sampled `traceparent`.
  public func inject<Carrier, Inject: Injector>(
    _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
  ) where Inject.Carrier == Carrier {
    guard let span = context.inMemorySpanContext else { return }
    injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: "traceparent", into: &carrier)
  }
}
