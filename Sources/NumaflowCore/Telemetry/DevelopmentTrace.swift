import InMemoryTracing
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `numaflow-dev run --trace`: when the environment names a directory, the process (server or
/// worker) records its spans in memory with a ``RecordingTracer`` and, when it stops, writes
/// them there as JSON lines (`spans-<pid>.jsonl`, one ``SpanRecord`` per line) for
/// numaflow-dev to print as a tree. A tracer the program bootstrapped itself is left alone:
/// this one is bound to the task (`withTracer`), and only when none was bootstrapped.
package enum DevelopmentTrace {
  package static let directoryVariable = "NUMAFLOW_DEV_TRACE_DIR"

  /// Runs `body`, recording its spans when the environment asks for it.
  package static func recording(_ body: () async throws -> Void) async throws {
    guard let directory = ProcessInfo.processInfo.environment[directoryVariable], !directory.isEmpty,
      InstrumentationSystem.tracer is NoOpTracer
    else { return try await body() }
    let tracer = RecordingTracer()
    defer { write(tracer.finishedSpans, into: directory) }
    try await withTracer(tracer) { try await body() }
  }

  private static func write(_ spans: [FinishedInMemorySpan], into directory: String) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    var lines = Data()
    for span in spans {
      guard let line = try? encoder.encode(SpanRecord(span)) else { continue }
      lines.append(line)
      lines.append(UInt8(ascii: "\n"))
    }
    let path = joinPath(directory, "spans-\(getpid()).jsonl")
    _ = FileManager.default.createFile(atPath: path, contents: lines)
  }
}

/// One finished span, as `numaflow-dev run --trace` reads it.
package struct SpanRecord: Codable, Sendable {
  package var name: String
  package var traceID: String
  package var spanID: String
  package var parentSpanID: String?
  /// Nanoseconds since the epoch.
  package var start: UInt64
  package var end: UInt64
  package var attributes: [String: String]
  package var errors: [String]
  package var links: [String]
  package var processID: Int32

  package init(_ span: FinishedInMemorySpan) {
    name = span.operationName
    traceID = span.spanContext.traceID
    spanID = span.spanContext.spanID
    parentSpanID = span.spanContext.parentSpanID
    start = span.startInstant.nanosecondsSinceEpoch
    end = span.endInstant.nanosecondsSinceEpoch
    var attributes: [String: String] = [:]
    span.attributes.forEach { key, value in attributes[key] = Self.text(value) }
    self.attributes = attributes
    errors = span.errors.map { "\($0.error)" }
    links = span.links.compactMap { $0.context.inMemorySpanContext?.spanID }
    processID = getpid()
  }

  /// An attribute's value as a person reads it: `request-0`, `3`, not `string("request-0")`.
  private static func text(_ value: SpanAttribute) -> String {
    switch value {
    case .string(let text): text
    case .int64(let number): "\(number)"
    case .int32(let number): "\(number)"
    case .double(let number): "\(number)"
    case .bool(let flag): "\(flag)"
    default: "\(value)"
    }
  }
}
