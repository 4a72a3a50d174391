import NumaflowProtos
import Tracing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The system-metadata group in which numa (1.8 and later) puts the W3C trace context
/// (`traceparent`, `tracestate`) of its span for one UDF call: on map, batch map, stream map
/// and sink requests (upstream `rust/numaflow-core/src/shared/otel.rs`, `TRACING_UDF_METADATA_KEY`).
package let udfTraceGroup = "tracing_udf"

/// Reads a trace context out of a system-metadata group. The tracer decides what the keys
/// mean: swift-otel's W3C propagator reads `traceparent` and `tracestate`.
struct TraceGroupExtractor: Extractor {
  func extract(key: String, from carrier: Metadata_KeyValueGroup) -> String? {
    carrier.keyValue[key].map { String(decoding: $0, as: UTF8.self) }
  }
}

/// Most links one span keeps (OpenTelemetry's default span link limit).
private let linkLimit = 128

extension Telemetry {
  /// The context a call's span starts from, and the contexts it links to: numa's span when the
  /// call's one datum carries it, a new trace otherwise; a batch starts a new trace linked to
  /// each datum's.
  func parentAndLinks(tracer: any Tracer, datums: [CallDatum], isBatch: Bool) -> (ServiceContext, [ServiceContext]) {
    let contexts = datums.prefix(linkLimit).compactMap { datum -> ServiceContext? in
      guard let group = datum.metadata.sysMetadata[udfTraceGroup] else { return nil }
      var context = ServiceContext.topLevel
      tracer.extract(group, into: &context, using: TraceGroupExtractor())
      return context
    }
    if !isBatch, let parent = contexts.first { return (parent, []) }
    return (.topLevel, contexts)
  }

  /// The attributes of a call's span, after OpenTelemetry's messaging conventions where one fits.
  func attributes(datums: [CallDatum], isBatch: Bool, into attributes: inout SpanAttributes) {
    attributes["messaging.system"] = "numaflow"
    attributes["messaging.operation.type"] = "process"
    attributes["numaflow.udf.kind"] = kind
    if isBatch {
      attributes["messaging.batch.message_count"] = datums.count
    } else if let datum = datums.first {
      attributes["messaging.message.id"] = datum.id
      attributes["numaflow.keys.count"] = datum.keyCount
    }
  }

  /// The span's name: `numaflow.udf.<kind>`, one per kind, as numa names its stage spans.
  package var spanName: String { "numaflow.udf.\(kind)" }

  /// Runs `body` in the span of one call carrying `datums`; the handler sees the span as the
  /// current service context, so its own spans nest under it. An error is recorded on the span.
  package func withSpan<Value>(
    tracer: any Tracer, datums: [CallDatum], isBatch: Bool, _ body: () async throws -> Value
  ) async throws -> Value {
    let (parent, links) = parentAndLinks(tracer: tracer, datums: datums, isBatch: isBatch)
    let span = start(tracer: tracer, parent: parent, links: links, datums: datums, isBatch: isBatch)
    defer { span.end() }
    do {
      return try await ServiceContext.$current.withValue(span.context) { try await body() }
    } catch {
      record(error, on: span)
      throw error
    }
  }

  /// As ``withSpan(tracer:datums:isBatch:_:)-(_,_,_,()_async_throws->Value)``, for a blocking
  /// handler on the thread that runs it.
  package func withSpan<Value>(
    tracer: any Tracer, datums: [CallDatum], isBatch: Bool, _ body: () throws -> Value
  ) throws -> Value {
    let (parent, links) = parentAndLinks(tracer: tracer, datums: datums, isBatch: isBatch)
    let span = start(tracer: tracer, parent: parent, links: links, datums: datums, isBatch: isBatch)
    defer { span.end() }
    do {
      return try ServiceContext.$current.withValue(span.context) { try body() }
    } catch {
      record(error, on: span)
      throw error
    }
  }

  private func start(
    tracer: any Tracer, parent: ServiceContext, links: [ServiceContext], datums: [CallDatum], isBatch: Bool
  ) -> any Span {
    let span = tracer.startSpan(spanName, context: parent, ofKind: .consumer)
    span.updateAttributes { attributes(datums: datums, isBatch: isBatch, into: &$0) }
    for link in links { span.addLink(SpanLink(context: link, attributes: [:])) }
    return span
  }

  func record(_ error: any Error, on span: any Span) {
    span.recordError(error)
    span.setStatus(SpanStatus(code: .error, message: "\(error)"))
  }
}
