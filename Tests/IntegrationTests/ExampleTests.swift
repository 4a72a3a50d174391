import Foundation
import NumaflowTesting
import Testing

/// The examples, driven by `numaflow-dev run` exactly as the README shows, in every mode.
/// Expected lines follow the reference SDK's examples of the same names.
@Suite(.timeLimit(.minutes(5)))
struct ExampleTests {
  static let modes = ["async", "sync", "multiprocess"]

  /// The three flatmap examples (map, stream map, batch map) split values the same way.
  static let flatmapInput = """
    {"keys": ["k"], "value": "a,b,c"}
    {"value": ""}
    {"value": "solo"}
    """
  static let flatmapOutput = [
    #"{"input":0,"keys":[],"tags":[],"value":"a"}"#,
    #"{"input":0,"keys":[],"tags":[],"value":"b"}"#,
    #"{"input":0,"keys":[],"tags":[],"value":"c"}"#,
    #"{"input":1,"keys":[],"tags":[],"value":""}"#,
    #"{"input":2,"keys":[],"tags":[],"value":"solo"}"#,
  ]

  @Test(arguments: modes)
  func evenOdd(mode: String) async throws {
    let lines = try await runExample(
      "map-even-odd", mode: mode,
      input: """
        {"keys": ["k1"], "value": "2"}
        {"keys": ["k1"], "value": "3"}
        {"keys": ["k2"], "value": "12"}
        {"value_base64": "BA=="}
        """)
    #expect(
      lines == [
        #"{"input":0,"keys":["even"],"tags":["even-tag"],"value":"2"}"#,
        #"{"input":1,"keys":["odd"],"tags":["odd-tag"],"value":"3"}"#,
        #"{"input":2,"keys":["odd"],"tags":["odd-tag"],"value":"12"}"#,
        #"{"input":3,"keys":["even"],"tags":["even-tag"],"value":"\u0004"}"#,
      ])
  }

  @Test(arguments: modes)
  func flatmap(mode: String) async throws {
    let lines = try await runExample(
      "map-flatmap", mode: mode,
      input: Self.flatmapInput)
    #expect(lines == Self.flatmapOutput)
  }

  @Test(arguments: modes)
  func forwardMessage(mode: String) async throws {
    let lines = try await runExample(
      "map-forward-message", mode: mode,
      input: """
        {"keys": ["k1", "k2"], "value": "hello"}
        {"value_base64": "AP8="}
        """)
    #expect(
      lines == [
        #"{"input":0,"keys":["k1","k2"],"tags":[],"value":"hello"}"#,
        #"{"input":1,"keys":[],"tags":[],"value_base64":"AP8="}"#,
      ])
  }

  @Test(arguments: modes)
  func sourceTransformEventTimeFilter(mode: String) async throws {
    let lines = try await runExample(
      "sourcetransform-event-time-filter", kind: "transformer", mode: mode,
      input: """
        {"keys": ["a"], "value": "old", "event_time": "2021-12-31T23:59:59.999Z"}
        {"keys": ["b"], "value": "mid", "event_time": "2022-01-01T00:00:00Z"}
        {"keys": ["c"], "value": "late", "event_time": "2022-12-31T23:59:59Z"}
        {"value": "new", "event_time": "2023-01-01T00:00:00Z"}
        """)
    #expect(
      lines == [
        #"{"event_time":"2021-12-31T23:59:59.999Z","input":0,"keys":[],"tags":["U+005C__DROP__"],"value":""}"#,
        #"{"event_time":"2022-01-01T00:00:00Z","input":1,"keys":[],"tags":["within_year_2022"],"value":"mid"}"#,
        #"{"event_time":"2022-01-01T00:00:00Z","input":2,"keys":[],"tags":["within_year_2022"],"value":"late"}"#,
        #"{"event_time":"2023-01-01T00:00:00Z","input":3,"keys":[],"tags":["after_year_2022"],"value":"new"}"#,
      ])
  }

  @Test func mapstreamFlatmapStream() async throws {
    let lines = try await runExample(
      "mapstream-flatmap-stream", kind: "mapstream", mode: "async",
      input: Self.flatmapInput)
    #expect(lines == Self.flatmapOutput)
  }

  @Test(arguments: ["async", "sync"])
  func batchmapFlatmap(mode: String) async throws {
    let lines = try await runExample(
      "batchmap-flatmap", kind: "batchmap", mode: mode,
      input: Self.flatmapInput)
    #expect(lines == Self.flatmapOutput)
  }

  static let sinkInput = """
    {"keys": ["a"], "value": "hello"}
    {"value": "world", "headers": {"x-trace-id": "abc123"}}
    {"keys": ["k1", "k2"], "value": "keyed"}
    """

  @Test(arguments: modes)
  func sinkLog(mode: String) async throws {
    let lines = try await runExample(
      "sink-log", kind: "sink", mode: mode, options: ["--batch-size", "2"], input: Self.sinkInput)
    #expect(lines == (0..<3).map { #"{"input":\#($0),"status":"ok"}"# })
  }

  /// The coin is fixed at 1 and 0 to check each branch, then left to chance.
  @Test(arguments: modes)
  func sinkAllSinks(mode: String) async throws {
    let values = ["hello", "world", "keyed"]
    let onSuccess = values.enumerated().map {
      #"{"input":\#($0),"keys":["on_success"],"status":"on_success","value":"\#($1)"}"#
    }
    let fallback = values.indices.map { #"{"input":\#($0),"status":"fallback"}"# }
    for (rate, expected) in [("1", onSuccess), ("0", fallback)] {
      let lines = try await runExample(
        "sink-all-sinks", kind: "sink", mode: mode, environment: ["ALL_SINKS_SUCCESS_RATE": rate], input: Self.sinkInput
      )
      #expect(lines == expected)
    }
    let lines = try await runExample("sink-all-sinks", kind: "sink", mode: mode, input: Self.sinkInput)
    #expect(lines.indices == values.indices)
    for (index, line) in lines.enumerated() {
      #expect(line == onSuccess[index] || line == fallback[index])
    }
  }

  @Test(arguments: [("udsink", "sink.sock"), ("fb-udsink", "fb-sink.sock"), ("ons-udsink", "ons-sink.sock")])
  func checkKnowsEverySinkRole(containerType: String, socket: String) async throws {
    let lines = try await numaflowDev(
      ["check", "--container-type", containerType, "--", ServerUnderTest.binary("sink-log"), "--mode", "sync"])
    #expect(lines.contains("✓ socket: \(socket)"))
    #expect(lines.contains("✓ handshake: the server answered sot=true first"))
  }

  /// 25 records, 5 s apart, keys alternating a and b: byte for byte what pynumaflow 0.14.0's
  /// reduce counter gives through the same command.
  @Test func reduceCounter() async throws {
    let lines = try await numaflowDev([
      "run", "reduce", "--window", "fixed:60s", "--input", Self.examplesDirectory + "/reduce-counter/input.jsonl", "--",
      ServerUnderTest.binary("reduce-counter"),
    ])
    func line(_ key: String, _ count: Int, _ minute: Int) -> String {
      let start = "2026-01-01 00:0\(minute):00+00:00"
      let end = "2026-01-01 00:0\(minute + 1):00+00:00"
      return
        #"{"keys":["\#(key)"],"tags":[],"value":"counter:\#(count) interval_window_start:\#(start) interval_window_end:\#(end)","window":{"end":"2026-01-01T00:0\#(minute + 1):00Z","start":"2026-01-01T00:0\#(minute):00Z"}}"#
    }
    #expect(lines == [line("a", 6, 0), line("b", 6, 0), line("a", 6, 1), line("b", 6, 1), line("a", 1, 2)])
  }

  /// The same records in sliding windows of 60 s every 30 s, through the streaming counter:
  /// what pynumaflow 0.14.0's reducestream counter gives.
  @Test func reducestreamCounter() async throws {
    let lines = try await numaflowDev([
      "run", "reducestream", "--window", "sliding:60s/30s", "--input",
      Self.examplesDirectory + "/reducestream-counter/input.jsonl", "--",
      ServerUnderTest.binary("reducestream-counter"),
    ])
    let values = lines.compactMap { line -> String? in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return "\((object["keys"] as? [String]) ?? [])\(object["value"] as? String ?? "")"
    }
    #expect(
      values == [
        #"["a"]counter:3"#, #"["b"]counter:3"#, #"["a"]counter:6"#, #"["b"]counter:6"#, #"["a"]counter:6"#,
        #"["b"]counter:6"#, #"["a"]counter:6"#, #"["b"]counter:6"#, #"["a"]counter:4"#, #"["b"]counter:3"#,
        #"["a"]counter:1"#,
      ])
  }

  /// Out-of-order records with lagging watermarks: each key sorted as far as its watermark
  /// allows, byte for byte what pynumaflow 0.14.0's stream sorter gives.
  @Test func accumulatorStreamSorter() async throws {
    let lines = try await numaflowDev([
      "run", "accumulator", "--accumulator-timeout", "10s", "--input",
      Self.examplesDirectory + "/accumulator-stream-sorter/input.jsonl", "--",
      ServerUnderTest.binary("accumulator-stream-sorter"),
    ])
    let summary = lines.compactMap { line -> String? in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let window = object["window"] as? [String: String]
      else { return nil }
      return "\(object["value"] as? String ?? "")@\(window["end"] ?? "")"
    }
    #expect(
      summary == [
        "a-5@2026-01-01T00:00:00Z", "a-10@2026-01-01T00:00:00Z", "a-15@2026-01-01T00:00:08Z",
        "a-20@2026-01-01T00:00:08Z", "a-30@2026-01-01T00:00:18Z", "b-7@2026-01-01T00:00:00Z",
        "b-3@2026-01-01T00:00:08Z", "b-25@2026-01-01T00:00:18Z",
      ])
  }

  /// Open, expand, merge and close, through numaflow-go's session counter's behaviour.
  @Test func sessionCounter() async throws {
    let lines = try await numaflowDev([
      "run", "session", "--window", "session:30s", "--input", Self.examplesDirectory + "/session-counter/input.jsonl",
      "--", ServerUnderTest.binary("session-counter"),
    ])
    #expect(
      lines == [
        #"{"keys":["a"],"tags":[],"value":"4","window":{"end":"2026-01-01T00:01:30Z","start":"2026-01-01T00:00:00Z"}}"#,
        #"{"keys":["b"],"tags":[],"value":"1","window":{"end":"2026-01-01T00:00:35Z","start":"2026-01-01T00:00:05Z"}}"#,
        #"{"keys":["b"],"tags":[],"value":"1","window":{"end":"2026-01-01T00:02:10Z","start":"2026-01-01T00:01:40Z"}}"#,
      ])
  }

  /// The examples that say how `numaflow-dev run` drives them (`run.args`) and what it prints
  /// for their sample input (`expected.jsonl`): what `make image-check` holds their images to.
  static let examplesWithExpectedOutput: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory)) ?? []
    // An example with a Package.swift of its own (map-observed) is not built beside the tests.
    return names.filter {
      FileManager.default.fileExists(atPath: "\(examplesDirectory)/\($0)/expected.jsonl")
        && !FileManager.default.fileExists(atPath: "\(examplesDirectory)/\($0)/Package.swift")
    }.sorted()
  }()

  @Test(arguments: examplesWithExpectedOutput)
  func sampleInputGivesTheExpectedOutput(example: String) async throws {
    let directory = "\(Self.examplesDirectory)/\(example)"
    let runArguments = try String(contentsOfFile: "\(directory)/run.args", encoding: .utf8)
      .split(whereSeparator: \.isWhitespace).map(String.init)
    let lines = try await numaflowDev(
      ["run"] + runArguments + ["--input", "\(directory)/input.jsonl", "--", ServerUnderTest.binary(example)])
    let expected = try String(contentsOfFile: "\(directory)/expected.jsonl", encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(lines == expected)
  }

  @Test func examplesWithExpectedOutputAreFound() {
    #expect(Self.examplesWithExpectedOutput.count >= 12)
  }

  /// The repository's Examples folder, found from this source file.
  static let examplesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples").path

  @Test(arguments: ["sync", "async"])
  func sideinputSimple(mode: String) async throws {
    let lines = try await numaflowDev(
      ["run", "sideinput", "--count", "4", "--", ServerUnderTest.binary("sideinput-simple"), "--mode", mode])
    #expect(lines.count == 4)
    #expect(lines[1] == #"{"input":1,"status":"no_broadcast"}"#)
    #expect(lines[3] == #"{"input":3,"status":"no_broadcast"}"#)
    for (index, line) in [(0, lines[0]), (2, lines[2])] {
      // "an example: 2026-12-02 13:03:22.667164", as Python's str(datetime.now()).
      let prefix = #"{"input":\#(index),"status":"broadcast","value":"an example: "#
      #expect(line.hasPrefix(prefix) && line.hasSuffix(#""}"#), "\(line)")
      let time = line.dropFirst(prefix.count).dropLast(2)
      #expect(time.wholeMatch(of: #/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}/#) != nil, "\(time)")
    }
  }

  @Test(arguments: modes)
  func sideinputMapConsumer(mode: String) async throws {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let input = #"{"keys": ["k"], "value": "a"}"#
    let before = try await runExample(
      "sideinput-map-consumer", mode: mode, environment: ["NUMAFLOW_SWIFT_SIDE_INPUT_DIR": directory], input: input)
    // "no_value" before numa has written one.
    #expect(
      before == [
        #"{"input":0,"keys":["k"],"tags":[],"user_metadata":{"side-inputs":{"myticker":"bm9fdmFsdWU="}},"value":"a"}"#
      ])
    _ = try await numaflowDev(["sideinput", "set", "myticker", "tick-7", "--dir", directory])
    let after = try await runExample(
      "sideinput-map-consumer", mode: mode, environment: ["NUMAFLOW_SWIFT_SIDE_INPUT_DIR": directory], input: input)
    #expect(
      after == [
        #"{"input":0,"keys":["k"],"tags":[],"user_metadata":{"side-inputs":{"myticker":"dGljay03"}},"value":"a"}"#
      ])
  }

  @Test func servingInMemory() async throws {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let inputPath = directory + "/input.jsonl"
    try Data(
      """
      {"put": "req-1", "payloads": [{"origin": "serve-sink", "value": "hello"}]}
      {"put": "req-1", "payloads": [{"origin": "serve-sink", "value_base64": "AP8="}]}
      {"get": "req-1"}
      {"get": "req-2"}
      """.utf8
    ).write(to: URL(fileURLWithPath: inputPath))
    let lines = try await numaflowDev(
      ["run", "serving", "--input", inputPath, "--", ServerUnderTest.binary("serving-in-memory")])
    #expect(
      lines == [
        #"{"input":0,"status":"ok"}"#, #"{"input":1,"status":"ok"}"#,
        #"{"id":"req-1","input":2,"payloads":[{"origin":"serve-sink","value":"hello"},{"origin":"serve-sink","value_base64":"AP8="}]}"#,
        #"{"id":"req-2","input":3,"payloads":[]}"#,
      ])
  }

  /// The reference's output for `--count 10 --batch-size 4 --nack-every 3`, with event times
  /// left out and the random `x-txn-id` header values blanked. The last line is the at-least-once
  /// check's: offset 4, nacked by the tenth read, read once more before the run ends.
  @Test func sourceSimple() async throws {
    let lines = try await numaflowDev(
      [
        "run", "source", "--count", "10", "--batch-size", "4", "--nack-every", "3", "--",
        ServerUnderTest.binary("source-simple"),
      ])
    let expected = [
      ("0", "1", false), ("1", "2", false), ("2", "3", true), ("3", "4", false), ("2", "4", false), ("4", "5", true),
      ("5", "6", false), ("6", "7", false), ("4", "7", true), ("7", "8", false), ("4", "8", false),
    ].map { offset, value, nacked in
      #"{"headers":{"x-txn-id":""},"keys":[],"nacked":\#(nacked),"offset":"\#(offset)","partition":0,"value":"\#(value)"}"#
    }
    #expect(try lines.map(withoutTimes) == expected)
  }

  @Test func sourceAsyncSequencePublishesAFileLineByLine() async throws {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/input.log"
    try Data("alpha\nbeta\ngamma\n".utf8).write(to: URL(fileURLWithPath: path))
    let lines = try await numaflowDev(
      ["run", "source", "--count", "3", "--", ServerUnderTest.binary("source-async-sequence"), "--file", path])
    #expect(
      try lines.map(withoutTimes)
        == ["alpha", "beta", "gamma"].enumerated().map { offset, value in
          #"{"keys":["line"],"nacked":false,"offset":"\#(offset)","partition":0,"value":"\#(value)"}"#
        })
  }

  /// A source output line without its event time, and with header values blanked.
  func withoutTimes(_ line: String) throws -> String {
    var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    object["event_time"] = nil
    if let headers = object["headers"] as? [String: String] { object["headers"] = headers.mapValues { _ in "" } }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }

  /// `--run-dir`, as used for servers of other SDKs: a server-info left behind there is not
  /// taken for the new server's, and the directory is kept, emptied of what the server wrote.
  @Test func givenRunDirectory() async throws {
    let runDirectory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: runDirectory) }
    let stale =
      #"{"protocol":"uds","language":"go","version":"v0.0.1","metadata":{"MAP_MODE":"batch-map"}}U+005C__END__"#
    try Data(stale.utf8).write(to: URL(fileURLWithPath: runDirectory + "/mapper-server-info"))
    let lines = try await runExample(
      "map-forward-message", mode: "async", runDirectory: runDirectory, input: #"{"keys": ["k"], "value": "hi"}"#)
    #expect(lines == [#"{"input":0,"keys":["k"],"tags":[],"value":"hi"}"#])
    #expect(try FileManager.default.contentsOfDirectory(atPath: runDirectory).filter { $0 != "runtime" } == [])
  }

  /// `numaflow-dev bench` measures and ends, also with no warm-up (which once waited forever
  /// for the answer to no request; found by Benchmarks/soak.sh), and reports the server's
  /// memory both ways, its worker processes included.
  @Test(arguments: [(0, "async"), (50, "multiprocess")])
  func benchPrintsOneResultLine(warmup: Int, mode: String) async throws {
    let lines = try await numaflowDev([
      "bench", "map", "--count", "200", "--warmup", "\(warmup)", "--window", "20", "--",
      ServerUnderTest.binary("map-forward-message"), "--mode", mode,
    ])
    let result = try #require(
      lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    #expect(result["count"] as? Int == 200)
    #expect((result["messages_per_second"] as? Int ?? 0) > 0)
    // Pages the processes share (the binary's code) count once in their PSS, once per process
    // in the sum of their peaks.
    let peaks = try #require(result["server_peak_rss_mb"] as? Int)
    let proportional = try #require(result["server_peak_pss_mb"] as? Int)
    #expect(proportional > 0)
    #expect(proportional <= peaks)
  }

  /// `bench` drives every kind, the unary ones (a retriever, a store) and sessions too.
  @Test(arguments: [
    ("session", "session-counter"), ("sideinput", "sideinput-simple"), ("serving", "serving-in-memory"),
  ])
  func benchDrivesSessionsAndUnaryKinds(kind: String, example: String) async throws {
    let lines = try await numaflowDev([
      "bench", kind, "--count", "120", "--warmup", "0", "--window", "8", "--keys", "4", "--",
      ServerUnderTest.binary(example),
    ])
    let result = try #require(
      lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    #expect(result["count"] as? Int == 120)
    #expect((result["messages_per_second"] as? Int ?? 0) > 0)
  }

  /// `bench --numa-shaped` sends what numa adds to each message (a watermark, headers,
  /// metadata) to the kinds that take datums, windowed kinds included, and the examples answer
  /// every one.
  @Test(arguments: [
    ("map", "map-forward-message"), ("batchmap", "batchmap-flatmap"),
    ("transformer", "sourcetransform-event-time-filter"), ("sink", "sink-log"), ("reduce", "reduce-counter"),
    ("session", "session-counter"), ("accumulator", "accumulator-stream-sorter"),
  ])
  func benchSendsNumaShapedRequests(kind: String, example: String) async throws {
    let lines = try await numaflowDev([
      "bench", kind, "--numa-shaped", "--count", "120", "--warmup", "0", "--window", "8", "--",
      ServerUnderTest.binary(example),
    ])
    let result = try #require(
      lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    #expect(result["count"] as? Int == 120)
    #expect(result["numa_shaped"] as? Bool == true)
  }

  /// Runs `numaflow-dev run <kind>` on an example and returns its stdout lines.
  func runExample(
    _ example: String, kind: String = "map", mode: String, runDirectory: String? = nil, options: [String] = [],
    environment: [String: String] = [:], input: String
  ) async throws -> [String] {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let inputPath = directory + "/input.jsonl"
    try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))

    return try await numaflowDev(
      ["run", kind, "--input", inputPath] + (runDirectory.map { ["--run-dir", $0] } ?? []) + options
        + ["--", ServerUnderTest.binary(example), "--mode", mode],
      environment: environment)
  }
}
