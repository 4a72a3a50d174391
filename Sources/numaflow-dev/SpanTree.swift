import Foundation
import NumaflowCore
import W3CTraceContext

/// `run --trace`: the trace context numaflow-dev sends as numa would, and the spans the server
/// recorded (``DevelopmentTrace``), printed as a tree.
struct SpanTree {
  /// The kinds numa sends its trace context to (`tracing_udf`), as of Numaflow 1.8.3.
  static let tracedKinds: Set<String> = ["map", "mapstream", "batchmap", "sink"]

  /// One W3C `traceparent` per record: one trace per run, one numa span per record.
  static func traceparents(count: Int) -> (traceID: String, parents: [String]) {
    let traceID = TraceID.random()
    let parents = (0..<count).map { _ in
      TraceContext(traceID: traceID, spanID: .random(), flags: .sampled, state: TraceState()).traceParentHeaderValue
    }
    return ("\(traceID)", parents)
  }

  let spans: [SpanRecord]

  /// Attributes every SDK span has, which its name already says.
  private static let implied: Set<String> = ["messaging.system", "messaging.operation.type", "numaflow.udf.kind"]

  /// Reads every process's spans from `directory`.
  init(directory: String) throws {
    var spans: [SpanRecord] = []
    let decoder = JSONDecoder()
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    where name.hasSuffix(".jsonl") {
      let text = try String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8)
      for line in text.split(separator: "\n") {
        spans.append(try decoder.decode(SpanRecord.self, from: Data(line.utf8)))
      }
    }
    self.spans = spans.sorted { $0.start < $1.start }
  }

  /// The tree, one line per span; a span whose parent is numa's (sent by numaflow-dev) says so.
  func render(numaParents: [String: Int]) -> [String] {
    let recorded = Set(spans.map(\.spanID))
    let children = Dictionary(grouping: spans.filter { $0.parentSpanID.map(recorded.contains) == true }) {
      $0.parentSpanID!
    }
    var lines: [String] = []
    func walk(_ span: SpanRecord, depth: Int) {
      let indent = String(repeating: "   ", count: depth)
      let attributes = span.attributes.filter { !Self.implied.contains($0.key) }.sorted { $0.key < $1.key }
        .map { "\($0.key)=\($0.value)" }
      var line = "\(indent)└─ \(span.name)  \(Self.milliseconds(span.end - span.start))  pid \(span.processID)"
      if !attributes.isEmpty { line += "  " + attributes.joined(separator: " ") }
      if !span.links.isEmpty { line += "  links=\(span.links.count)" }
      for error in span.errors { line += "  error: \(error)" }
      lines.append(line)
      for child in children[span.spanID] ?? [] { walk(child, depth: depth + 1) }
    }
    for root in spans where root.parentSpanID.map(recorded.contains) != true {
      if let parent = root.parentSpanID {
        let record = numaParents[parent].map { " (record \($0))" } ?? ""
        lines.append("trace \(root.traceID), numa span \(parent)\(record)")
      } else {
        lines.append("trace \(root.traceID) (a new trace)")
      }
      walk(root, depth: 0)
    }
    return lines
  }

  private static func milliseconds(_ nanoseconds: UInt64) -> String {
    String(format: "%.3f ms", Double(nanoseconds) / 1_000_000)
  }
}
