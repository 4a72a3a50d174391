import Foundation
import NumaflowDevKit
import Testing

@Suite struct PipelineSpecTests {
  static let manifest = """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: unrelated}
    ---
    apiVersion: numaflow.numaproj.io/v1alpha1
    kind: Pipeline
    metadata:
      name: shop
    spec:
      limits:
        readBatchSize: 50
      watermark:
        maxDelay: 1m30s
      sideInputs:
        - name: prices
          container:
            image: example/prices:1
          trigger:
            schedule: "@every 30s"
      vertices:
        - name: in
          source:
            generator: {rpu: 10, duration: 500ms, msgSize: 64, keyCount: 3, jitter: 2s}
            transformer:
              container: {image: example/stamp:1, args: ["--mode", "sync"]}
        - name: price
          limits: {readBatchSize: 5}
          sideInputs: [prices]
          udf:
            container:
              image: example/price:1
              env:
                - {name: CURRENCY, value: EUR}
              imagePullPolicy: Always
        - name: totals
          udf:
            container: {image: example/totals:1}
            groupBy:
              window:
                sliding: {length: 60s, slide: 10s}
              keyed: true
              allowedLateness: 5s
        - name: out
          sink:
            udsink:
              container: {image: example/out:1}
            fallback:
              log: {}
            retryStrategy:
              backoff: {interval: 10ms, steps: 3, factor: 2, cap: 1s}
              onFailure: fallback
      edges:
        - {from: in, to: price}
        - from: price
          to: totals
          conditions:
            tags: {operator: not, values: [cheap]}
        - {from: totals, to: out}
    """

  @Test func readsWhatARunPlays() throws {
    let spec = try PipelineSpec(yaml: Self.manifest)
    #expect(spec.name == "shop")
    #expect(spec.watermarkMaxDelay == .seconds(90))
    #expect(try spec.topologicalOrder == ["in", "price", "totals", "out"])
    #expect(spec.vertices.map(\.readBatchSize) == [50, 5, 50, 50])
    guard case .source(let source) = spec.vertices[0].role, case .generator(let generator) = source.kind else {
      Issue.record("in is not a generator source")
      return
    }
    #expect(
      (generator.rpu, generator.duration, generator.msgSize, generator.keyCount) == (10, .milliseconds(500), 64, 3))
    #expect(generator.jitter == .seconds(2))
    #expect(source.transformer?.args == ["--mode", "sync"])
    guard case .udf(let price) = spec.vertices[1].role, case .udf(let totals) = spec.vertices[2].role else {
      Issue.record("price and totals are not UDF vertices")
      return
    }
    #expect(price.window == nil)
    #expect(price.container?.environment == ["CURRENCY": "EUR"])
    #expect(spec.vertices[1].sideInputs == ["prices"])
    #expect(totals.window == .sliding(length: .seconds(60), slide: .seconds(10)))
    guard case .sink(let sink) = spec.vertices[3].role, case .log = sink.fallback else {
      Issue.record("out is not a sink with a log fallback")
      return
    }
    #expect(sink.retry.steps == 3)
    #expect(sink.retry.onFailure == .fallback)
    #expect(sink.retry.delay(beforeRetry: 1) == .milliseconds(10))
    #expect(sink.retry.delay(beforeRetry: 3) == .milliseconds(40))
    #expect(sink.retry.delay(beforeRetry: 10) == .seconds(1))
    #expect(spec.edges[1].condition?.match == .not)
    #expect(spec.sideInputs.first?.schedule?.description == "@every 30s")
  }

  @Test func namesWhatItIgnoresAndWhatItDoesNotModel() throws {
    let spec = try PipelineSpec(yaml: Self.manifest)
    #expect(spec.ignored.contains { $0.hasPrefix("spec.vertices[price].udf.container.imagePullPolicy: ") })
    #expect(spec.unmodeled == ["spec.vertices[totals].udf.groupBy.allowedLateness"])
  }

  @Test func readsAServingPipeline() throws {
    let spec = try PipelineSpec(
      yaml: """
        kind: ServingPipeline
        metadata: {name: s}
        spec:
          serving:
            msgIDHeaderKey: X-Request
            store: {container: {image: example/store:1}}
          pipeline:
            vertices:
              - {name: in, source: {serving: {}}}
              - {name: out, sink: {serve: {}}}
            edges: [{from: in, to: out}]
        """)
    #expect(spec.servingStore?.image == "example/store:1")
    #expect(spec.servingIDHeader == "X-Request")
    guard case .sink(let sink) = spec.vertices[1].role, case .serve = sink.primary else {
      Issue.record("out is not a serve sink")
      return
    }
  }

  @Test(arguments: [
    ("kind: Pipeline\nspec:\n  vertices: [{name: a, source: {http: {}}}, {name: a, sink: {log: {}}}]", "two vertices"),
    ("kind: Pipeline\nspec:\n  vertices: [{name: a, source: {http: {}}}]\n  edges: [{from: a, to: b}]", "vertex b"),
    (
      "kind: Pipeline\nspec:\n  vertices: [{name: a, udf: {container: {image: x}}}, {name: b, udf: {container: {image: y}}}]\n"
        + "  edges: [{from: a, to: b}, {from: b, to: a}]", "cycle"
    ),
    ("kind: Pipeline\nspec:\n  vertices: [{name: a, udf: {builtin: {name: filter}}}]", "built-in cat only"),
    ("kind: Pipeline\nspec:\n  vertices: [{name: a, sink: {log: {}}, source: {http: {}}}]", "exactly one of"),
    (
      "kind: Pipeline\nspec:\n  vertices: [{name: a, udf: {container: {image: x}, groupBy: {window: {fixed: {length: soon}}}}}]",
      "'soon' is not a duration"
    ),
    ("kind: Pipeline\nspec:\n  vertices: [{name: a, source: {http: {}}, sideInputs: [s]}]", "side input s"),
    ("kind: Deployment\nspec: {}", "no document of kind Pipeline"),
    ("kind: Pipeline\nspec: [", "not valid YAML"),
  ])
  func refusesWhatNumaWouldRefuse(yaml: String, words: String) {
    #expect {
      try PipelineSpec(yaml: yaml)
    } throws: { error in
      "\(error)".contains(words)
    }
  }

  @Test(arguments: [
    (PipelineSpec.TagCondition.Operator.or, ["a"], true), (.or, ["c"], false), (.and, ["a", "b"], true),
    (.and, ["a"], false), (.not, ["c"], true), (.not, ["b"], false),
  ])
  func forwardsByTagsAsNuma(match: PipelineSpec.TagCondition.Operator, tags: [String], forwards: Bool) {
    // The edge's values are a and b; the message's tags vary.
    let condition = PipelineSpec.TagCondition(match: match, values: match == .not ? ["b"] : ["a", "b"])
    #expect(condition.admits(tags) == forwards)
    #expect(PipelineSpec.TagCondition(match: match, values: []).admits(tags))
  }

  @Test func readsGoDurations() {
    #expect(GoDuration.parse("1h2m3.5s") == .milliseconds(3_723_500))
    #expect(GoDuration.parse("300ms") == .milliseconds(300))
    #expect(GoDuration.parse("0") == .zero)
    #expect(GoDuration.parse("10") == nil)
    #expect(GoDuration.parse("5 apples") == nil)
  }
}

@Suite struct CronScheduleTests {
  let utc: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  func at(_ text: String) throws -> Date { try Date(text, strategy: .iso8601) }

  @Test(arguments: [
    ("0 */2 * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:02:00Z"),
    ("*/15 * * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:00:45Z"),
    ("0 30 9 * * 1-5", "2026-01-02T10:00:00Z", "2026-01-05T09:30:00Z"),  // Friday past 9:30 -> Monday
    ("5 4 * * *", "2026-01-01T05:00:00Z", "2026-01-02T04:05:00Z"),  // five fields: no seconds
    ("@hourly", "2026-01-01T00:59:59Z", "2026-01-01T01:00:00Z"),
    ("0 0 0 1 1 *", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    ("0 0 0 1 * 1", "2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z"),  // the 1st or a Monday: Monday 5th
  ])
  func firesWhenItsFieldsSay(schedule: String, after: String, next: String) throws {
    let cron = try #require(CronSchedule(schedule))
    #expect(cron.next(after: try at(after), calendar: utc) == (try at(next)))
  }

  @Test func everyAddsItsInterval() throws {
    let cron = try #require(CronSchedule("@every 1m30s"))
    #expect(cron.next(after: try at("2026-01-01T00:00:00Z")) == (try at("2026-01-01T00:01:30Z")))
  }

  @Test(arguments: ["", "* * *", "61 * * * * *", "*/0 * * * * *", "@every never", "a b c d e f"])
  func refusesWhatIsNoSchedule(text: String) {
    #expect(CronSchedule(text) == nil)
  }
}
