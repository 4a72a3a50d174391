import Foundation

/// What `numaflow-dev pipeline run` reads from a Numaflow `Pipeline` manifest: the vertices, the
/// edges between them, and the side inputs, with the settings a local run plays.
package struct PipelineSpec: Sendable {
  package var name: String
  package var vertices: [Vertex]
  package var edges: [Edge]
  package var sideInputs: [SideInput]
  /// A ServingPipeline's store (`spec.serving.store.container`), where `serve` sinks write.
  package var servingStore: Container?
  /// The header that carries a message's serving id (`spec.serving.msgIDHeaderKey`).
  package var servingIDHeader = "X-Numaflow-Id"
  /// `spec.watermark.maxDelay`: how far the source's watermark stays behind its event times.
  package var watermarkMaxDelay: Duration = .zero
  /// Fields the run deliberately gives no effect, each with the reason.
  package var ignored: [String] = []
  /// Fields present in the manifest that the run does not model.
  package var unmodeled: [String] = []

  package func vertex(named name: String) -> Vertex? { vertices.first { $0.name == name } }

  /// The vertices in an order where each comes after every vertex with an edge into it.
  package var topologicalOrder: [String] {
    get throws {
      var order: [String] = []
      var remaining = vertices.map(\.name)
      while !remaining.isEmpty {
        let ready = remaining.filter { name in
          !edges.contains { $0.to == name && remaining.contains($0.from) }
        }
        guard !ready.isEmpty else {
          throw ValidationFailure(
            "the edges form a cycle through \(remaining.joined(separator: ", ")): numaflow-dev runs acyclic pipelines")
        }
        order += ready
        remaining.removeAll { ready.contains($0) }
      }
      return order
    }
  }

  /// One vertex: a source, a UDF or a sink.
  package struct Vertex: Sendable {
    package var name: String
    package var role: Role
    /// Side inputs the vertex's UDF reads.
    package var sideInputs: [String] = []
    /// `limits.readBatchSize`, or the pipeline's, or numa's default 500.
    package var readBatchSize = 500

    package enum Role: Sendable {
      case source(Source)
      case udf(UDF)
      case sink(Sink)
    }
  }

  /// A source vertex, with its transformer.
  package struct Source: Sendable {
    package var kind: Kind
    package var transformer: Container?

    package enum Kind: Sendable {
      case generator(Generator)
      case userDefined(Container)
      /// A built-in source that reads from outside (http, kafka, ...): its data comes from
      /// `--input VERTEX=FILE`.
      case external(String)
    }
  }

  /// The built-in generator's settings, with the platform's defaults.
  package struct Generator: Sendable {
    package var rpu = 5
    package var duration: Duration = .seconds(1)
    package var msgSize = 8
    package var keyCount = 0
    package var value: Int64?
    package var jitter: Duration = .zero
    package var valueBlob: Data?

    package init() {}
  }

  /// A user container: the image names the command unless `--udf` gives one.
  package struct Container: Sendable {
    package var image: String
    package var args: [String] = []
    package var command: [String] = []
    package var environment: [String: String] = [:]

    package init(image: String) { self.image = image }
  }

  /// A UDF vertex: a map kind, or a reducer when it groups by a window.
  package struct UDF: Sendable {
    /// The user's container, or `nil` for the built-in `cat`.
    package var container: Container?
    package var window: Window?
  }

  /// `groupBy.window`.
  package enum Window: Sendable, Equatable {
    case fixed(length: Duration)
    case sliding(length: Duration, slide: Duration)
    case session(timeout: Duration)
    case accumulator(timeout: Duration)
  }

  /// A sink vertex: its primary sink, the fallback and on-success sinks, and the retry strategy.
  package struct Sink: Sendable {
    package var primary: SinkTarget
    package var fallback: SinkTarget?
    package var onSuccess: SinkTarget?
    package var retry = RetryStrategy()
  }

  package enum SinkTarget: Sendable {
    case log
    case blackhole
    /// A ServingPipeline's `serve` sink: results go to the serving store.
    case serve
    case userDefined(Container)
  }

  /// An edge, with its tag condition.
  package struct Edge: Sendable {
    package var from: String
    package var to: String
    package var condition: TagCondition?

    /// Whether numa writes a message with `tags` along this edge.
    package func forwards(tags: [String]) -> Bool {
      condition?.admits(tags) ?? true
    }
  }

  /// `conditions.tags`: numa's `should_forward` (rust/numaflow-core/src/shared/forward.rs).
  package struct TagCondition: Sendable {
    package enum Operator: String, Sendable {
      case or, and, not
    }

    package var match: Operator
    package var values: [String]

    package init(match: Operator, values: [String]) {
      (self.match, self.values) = (match, values)
    }

    package func admits(_ tags: [String]) -> Bool {
      guard !values.isEmpty else { return true }
      switch match {
      case .and: return values.allSatisfy(tags.contains)
      case .or: return values.contains(where: tags.contains)
      case .not: return !values.contains(where: tags.contains)
      }
    }
  }

  /// A side input: its retriever's container and trigger.
  package struct SideInput: Sendable {
    package var name: String
    package var container: Container
    /// `trigger.schedule`: cron with seconds (`0 */2 * * * *`) or `@every 1m`, `@hourly`, ...
    package var schedule: CronSchedule?
  }
}
