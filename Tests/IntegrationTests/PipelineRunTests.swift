import Foundation
import Testing

/// `numaflow-dev pipeline run` on small manifests, one feature of numa's at a time, with this
/// repository's examples and the fixture server as the vertices' containers.
@Suite(.timeLimit(.minutes(5)))
struct PipelineRunTests {
  /// Runs `manifest` with each source's `inputs` (vertex to JSON lines) and `arguments`; returns
  /// stdout's lines, each decoded, and stderr's.
  func runPipeline(
    _ manifest: String, inputs: [String: String] = [:], arguments: [String] = [], expectedStatus: Int32 = 0
  ) async throws -> (lines: [[String: Any]], log: [String]) {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let manifestPath = directory + "/pipeline.yaml"
    try Data(manifest.utf8).write(to: URL(fileURLWithPath: manifestPath))
    var inputArguments: [String] = []
    for (vertex, lines) in inputs {
      let path = directory + "/\(vertex).jsonl"
      try Data(lines.utf8).write(to: URL(fileURLWithPath: path))
      inputArguments += ["--input", "\(vertex)=\(path)"]
    }
    let (output, log) = try await numaflowDevOutput(
      ["pipeline", "run", manifestPath, "--start-time", "2026-01-01T00:00:00Z"] + inputArguments + arguments,
      expectedStatus: expectedStatus)
    let lines = try output.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    return (lines, log)
  }

  /// The pipeline `in -> <middle> -> out` around one vertex definition.
  static func pipeline(_ vertices: String, edges: String) -> String {
    """
    apiVersion: numaflow.numaproj.io/v1alpha1
    kind: Pipeline
    metadata: {name: test}
    spec:
      vertices:
    \(vertices)
      edges:
    \(edges)
    """
  }

  /// `in -> counter -> out`, the counter a reducer `image` grouping by `window`.
  static func counting(_ image: String, window: String, readBatchSize: Int = 500) -> String {
    pipeline(
      """
          - {name: in, limits: {readBatchSize: \(readBatchSize)}, source: {http: {}}}
          - {name: counter, udf: {container: {image: \(image)}, groupBy: {window: \(window)}}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: counter}\n    - {from: counter, to: out}")
  }

  @Test func lateMessagesAreDroppedAndWindowsCloseByWatermark() async throws {
    // One message per read: the watermark after the second read is 00:01:10, so the third
    // message (00:00:20) is late for the reducer, as numa's reduce forwarder drops it.
    let manifest = Self.counting(
      "numaflow-swift/reduce-counter:latest", window: "{fixed: {length: 60s}}", readBatchSize: 1)
    let (lines, log) = try await runPipeline(
      manifest,
      inputs: [
        "in": """
        {"keys": ["k"], "value": "a", "event_time": "2026-01-01T00:00:10Z"}
        {"keys": ["k"], "value": "b", "event_time": "2026-01-01T00:01:10Z"}
        {"keys": ["k"], "value": "late", "event_time": "2026-01-01T00:00:20Z"}
        {"keys": ["k"], "value": "c", "event_time": "2026-01-01T00:02:30Z"}
        {"keys": ["k"], "value": "d", "event_time": "2026-01-01T00:02:40Z"}
        """
      ])
    let counts = lines.map { ($0["value"] as? String ?? "").split(separator: " ").first.map(String.init) ?? "" }
    #expect(counts == ["counter:1", "counter:1", "counter:2"])
    #expect(
      lines.map { $0["event_time"] as? String }
        == ["2026-01-01T00:00:59.999Z", "2026-01-01T00:01:59.999Z", "2026-01-01T00:02:59.999Z"])
    let counterRow = try #require(log.first { $0.hasPrefix("numaflow-dev: counter ") })
    let header = try #require(log.first { $0.hasPrefix("numaflow-dev: vertex") })
    #expect(Self.cells(header) == ["vertex", "read", "written", "late", "acked", "windows"])
    #expect(Self.cells(counterRow) == ["counter", "5", "3", "1", "0", "3"])
  }

  @Test func slidingWindowsHoldAMessageInEachOfItsWindows() async throws {
    let manifest = Self.counting(
      "numaflow-swift/reducestream-counter:latest", window: "{sliding: {length: 60s, slide: 30s}}")
    let (lines, _) = try await runPipeline(
      manifest,
      inputs: [
        "in": """
        {"keys": ["k"], "value": "a", "event_time": "2026-01-01T00:00:40Z"}
        {"keys": ["k"], "value": "b", "event_time": "2026-01-01T00:01:10Z"}
        """
      ])
    // Windows [-0:30, 0:30) none; [0:00, 1:00) a; [0:30, 1:30) a, b; [1:00, 2:00) b.
    #expect(lines.map { $0["value"] as? String } == ["counter:1", "counter:2", "counter:1"])
  }

  @Test func tagConditionsRouteAsNumaDoes() async throws {
    let manifest = Self.pipeline(
      """
          - {name: in, source: {http: {}}}
          - {name: split, udf: {container: {image: numaflow-swift/map-even-odd:latest}}}
          - {name: both, sink: {log: {}}}
          - {name: not-even, sink: {log: {}}}
          - {name: any, sink: {log: {}}}
          - {name: all, sink: {log: {}}}
      """,
      edges: """
            - {from: in, to: split}
            - {from: split, to: both, conditions: {tags: {operator: and, values: [even-tag, odd-tag]}}}
            - {from: split, to: not-even, conditions: {tags: {operator: not, values: [even-tag]}}}
            - {from: split, to: any, conditions: {tags: {values: [even-tag, odd-tag]}}}
            - {from: split, to: all}
        """)
    let (lines, _) = try await runPipeline(manifest, inputs: ["in": #"{"value": "2"}"# + "\n" + #"{"value": "3"}"#])
    let routed = lines.map { "\($0["sink"] as? String ?? "?"):\($0["value"] as? String ?? "?")" }
    #expect(routed == ["not-even:3", "any:2", "any:3", "all:2", "all:3"])
  }

  @Test func outWritesEachSinksLinesToAFileOfItsOwn() async throws {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let manifest = Self.pipeline(
      """
          - {name: in, source: {http: {}}}
          - {name: split, udf: {container: {image: numaflow-swift/map-even-odd:latest}}}
          - {name: evens, sink: {log: {}}}
          - {name: odds, sink: {log: {}}}
      """,
      edges: """
            - {from: in, to: split}
            - {from: split, to: evens, conditions: {tags: {values: [even-tag]}}}
            - {from: split, to: odds, conditions: {tags: {values: [odd-tag]}}}
        """)
    let (lines, _) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "2"}"# + "\n" + #"{"value": "3"}"# + "\n" + #"{"value": "4"}"#],
      arguments: ["--out", directory])
    #expect(lines.isEmpty)
    func values(_ sink: String) throws -> [String] {
      try String(contentsOfFile: "\(directory)/\(sink).jsonl", encoding: .utf8).split(separator: "\n").map {
        let line = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        return line?["value"] as? String ?? "?"
      }
    }
    #expect(try values("evens") == ["2", "4"])
    #expect(try values("odds") == ["3"])
  }

  @Test func aContainersSocketDirectoryCanBeGiven() async throws {
    // What a server of another SDK needs (its directory is always /var/run/numaflow).
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let manifest = Self.pipeline(
      """
          - {name: in, source: {http: {}}}
          - {name: forward, udf: {container: {image: numaflow-swift/map-forward-message:latest}}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: forward}\n    - {from: forward, to: out}")
    let (lines, log) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "x"}"#],
      arguments: ["--run-dir", "forward=\(directory)/forward"])
    #expect(lines.map { $0["value"] as? String } == ["x"])
    #expect(log.contains { $0.contains("server-info=\(directory)/forward/mapper-server-info") })

    let (_, refused) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "x"}"#], arguments: ["--run-dir", "nope=/tmp"], expectedStatus: 1)
    #expect(refused.contains { $0.contains("--udf, --env or --run-dir names nope, which is no container") })
  }

  static let sinkFixture = "numaflow-swift/fixture-server:latest"

  /// `in -> out`, out the fixture's sink with `more` of the sink's fields (one per line).
  static func sinking(_ more: String = "") -> String {
    pipeline(
      """
          - {name: in, source: {http: {}}}
          - name: out
            sink:
              udsink: {container: {image: \(sinkFixture), args: [--kind, sink]}}
      \(more.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
      """,
      edges: "    - {from: in, to: out}")
  }

  @Test func fallbackAndOnSuccessSinksGetWhatThePrimaryHandsOn() async throws {
    let manifest = Self.sinking(
      """
      fallback: {log: {}}
      onSuccess: {udsink: {container: {image: \(Self.sinkFixture), args: [--kind, sink]}}}
      """)
    let (lines, log) = try await runPipeline(
      manifest,
      inputs: ["in": #"{"value": "ok"}"# + "\n" + #"{"value": "fallback"}"# + "\n" + #"{"value": "onsuccess:x"}"#])
    let written = lines.map { "\($0["role"] as? String ?? "primary"):\($0["value"] as? String ?? "?")" }
    #expect(written == ["primary:ok", "primary:onsuccess:x", "fallback:fallback", "on_success:x"])
    #expect(lines.last?["keys"] as? [String] == ["on_success"])
    #expect(log.contains { $0.contains("out/onSuccess: IsReady: ready") })
  }

  @Test(arguments: ["drop", "fallback"])
  func retryStrategyRetriesThenAppliesOnFailure(onFailure: String) async throws {
    let manifest = Self.sinking(
      """
      fallback: {log: {}}
      retryStrategy: {backoff: {interval: 1ms, steps: 3}, onFailure: \(onFailure)}
      """)
    let (lines, log) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "flaky:2"}"# + "\n" + #"{"value": "fail:down"}"#])
    let written = lines.map { "\($0["role"] as? String ?? "primary"):\($0["value"] as? String ?? "?")" }
    // flaky:2 succeeds on its second retry; fail:down fails its 1 + 3 attempts.
    #expect(written == (onFailure == "drop" ? ["primary:flaky:2"] : ["primary:flaky:2", "fallback:fail:down"]))
    #expect(log.contains { $0.contains("1 messages failed 4 times (down)") })
  }

  @Test func aSinkWithoutARetryStrategyThatNeverSucceedsStopsTheRun() async throws {
    let manifest = Self.sinking()
    let (_, log) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "fail:down"}"#], arguments: ["--max-attempts", "3"], expectedStatus: 1)
    #expect(log.contains { $0.contains("vertex out failed") && $0.contains("after 3 attempts (down)") })
  }

  @Test func aNackSendsTheMessageBackToTheSource() async throws {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let manifest = Self.sinking()
    let (lines, log) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "nack-once:\#(directory)/seen"}"# + "\n" + #"{"value": "ok"}"#])
    #expect(lines.map { $0["value"] as? String } == ["ok", "nack-once:\(directory)/seen"])
    #expect(lines.map { $0["input"] as? Int } == [1, 0])
    let header = try #require(log.first { $0.hasPrefix("numaflow-dev: vertex") })
    #expect(Self.cells(header) == ["vertex", "read", "written", "acked", "nacked"])
    #expect(Self.cells(try #require(log.first { $0.hasPrefix("numaflow-dev: in ") })) == ["in", "3", "3", "2", "1"])
  }

  @Test func aMessageNackedOnEveryDeliveryStopsTheRun() async throws {
    let (lines, log) = try await runPipeline(
      Self.sinking(), inputs: ["in": #"{"value": "ok"}"# + "\n" + #"{"value": "nack"}"#],
      arguments: ["--max-attempts", "3"], expectedStatus: 1)
    #expect(lines.map { $0["value"] as? String } == ["ok"])
    #expect(log.contains { $0.contains("in: input line 2 was nacked on each of its 3 deliveries") })
  }

  @Test func aSourceRestartRedeliversWhatWasReadAndNotAcked() async throws {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data("a\nb\nc\nd\ne\n".utf8).write(to: URL(fileURLWithPath: directory + "/lines"))
    let manifest = Self.pipeline(
      """
          - name: in
            limits: {readBatchSize: 2}
            source: {udsource: {container: {image: numaflow-swift/source-async-sequence:latest}}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: out}")
    let (lines, log) = try await runPipeline(
      manifest,
      arguments: [
        "--udf", "in=\(ServerUnderTest.binary("source-async-sequence")) --file \(directory)/lines",
        "--restart-sources-every", "2",
      ])
    // Reads 2 and 4 went downstream, then numa "restarted" before acking them: the source
    // gives them again (at least once, as on the platform), and nothing is lost.
    #expect(lines.map { $0["value"] as? String } == ["a", "b", "c", "d", "c", "d", "e", "e"])
    #expect(log.filter { $0.contains("its streams end before read") }.count == 2)
    #expect(Self.cells(try #require(log.first { $0.hasPrefix("numaflow-dev: in ") })) == ["in", "8", "8", "5"])
  }

  @Test func aFailingUDFStopsTheRunNamingItsVertex() async throws {
    let manifest = Self.pipeline(
      """
          - {name: in, source: {http: {}}}
          - {name: breaks, udf: {container: {image: numaflow-swift/fixture-server:latest}}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: breaks}\n    - {from: breaks, to: out}")
    let (lines, log) = try await runPipeline(
      manifest, inputs: ["in": #"{"value": "throw:boom"}"#], expectedStatus: 1)
    #expect(lines.isEmpty)
    #expect(log.contains { $0.contains("the run failed: vertex breaks failed") && $0.contains("boom") })
    #expect(log.contains { $0.contains("breaks exited with status 1") })
  }

  @Test func sideInputValuesAreSwappedInAsTheScheduleComesDue() async throws {
    let manifest = """
      kind: Pipeline
      metadata: {name: test}
      spec:
        sideInputs:
          - name: myticker
            container: {image: numaflow-swift/sideinput-simple:latest}
            trigger: {schedule: "@every 1ms"}
        vertices:
          - {name: in, limits: {readBatchSize: 1}, source: {generator: {rpu: 1, duration: 1s}}}
          - {name: tag, sideInputs: [myticker], udf: {container: {image: numaflow-swift/sideinput-map-consumer:latest}}}
          - {name: out, sink: {log: {}}}
        edges:
          - {from: in, to: tag}
          - {from: tag, to: out}
      """
    let (lines, log) = try await runPipeline(manifest, arguments: ["--messages", "12"])
    let values = lines.compactMap { line -> String? in
      let metadata = line["user_metadata"] as? [String: [String: String]]
      return metadata?["side-inputs"]?["myticker"].flatMap { Data(base64Encoded: $0) }.map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    // Every message saw a value (numa holds its consumers until there is one), and the
    // retriever, which broadcasts every other call, changed it along the way.
    #expect(values.count == 12)
    #expect(values.allSatisfy { $0.hasPrefix("an example: ") })
    #expect(Set(values).count > 1)
    #expect(log.contains { $0.contains("side input myticker: no broadcast") })
  }

  @Test func theGeneratorMakesThePlatformsPayloadOnASimulatedClock() async throws {
    let manifest = Self.pipeline(
      """
          - {name: in, source: {generator: {rpu: 4, duration: 10s, keyCount: 2, value: 7}}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: out}")
    let (lines, _) = try await runPipeline(manifest, arguments: ["--messages", "6"])
    #expect(
      lines.map { $0["keys"] as? [String] ?? [] } == [["key-0"], ["key-1"], ["key-0"], ["key-1"], ["key-0"], ["key-1"]])
    #expect(
      lines.map { $0["event_time"] as? String } == Array(repeating: "2026-01-01T00:00:00Z", count: 4)
        + Array(repeating: "2026-01-01T00:00:10Z", count: 2))
    let payload = try #require((lines.first?["value"] as? String).map { Data($0.utf8) })
    let object = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
    #expect(object["value"] as? Int == 7)
    #expect(object["id"] as? String == "1767225600000000000-0")
  }

  @Test func namesWhatItDoesNotModelAndRefusesWhatItCannotRun() async throws {
    let unmodeled = Self.pipeline(
      """
          - {name: in, source: {http: {}}, somethingNew: {x: 1}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: out}")
    let (_, log) = try await runPipeline(unmodeled, inputs: ["in": #"{"value": "x"}"#])
    #expect(log.contains("numaflow-dev: not modeled: spec.vertices[in].somethingNew"))

    let (_, refused) = try await runPipeline(unmodeled, expectedStatus: 1)
    #expect(refused.contains { $0.contains("vertex in is a http source: give its data with --input in=FILE") })

    let mismatched = Self.pipeline(
      """
          - {name: in, source: {http: {}}}
          - name: counter
            udf: {container: {image: numaflow-swift/map-even-odd:latest}, groupBy: {window: {fixed: {length: 60s}}}}
          - {name: out, sink: {log: {}}}
      """,
      edges: "    - {from: in, to: counter}\n    - {from: counter, to: out}")
    let (_, wrongKind) = try await runPipeline(mismatched, inputs: ["in": #"{"value": "x"}"#], expectedStatus: 1)
    #expect(
      wrongKind.contains {
        $0.contains("the manifest makes it a reduce vertex (fixed window), but its server is a map server")
      })
  }

  /// A table row's cells.
  static func cells(_ line: String) -> [String] {
    line.dropFirst("numaflow-dev: ".count).split(separator: " ").map(String.init)
  }
}
