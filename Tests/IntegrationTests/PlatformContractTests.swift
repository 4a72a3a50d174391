import Foundation
import NumaflowTesting
import Testing

/// The platform's newest contract, through numaflow-dev and the fixture server in every mode:
/// fail and retry, the sink's retry count, a raised minimum Numaflow version, and errors
/// before the server starts.
@Suite(.timeLimit(.minutes(5)))
struct PlatformContractTests {
  /// Each map kind with the modes the fixture serves it in.
  static let mapKinds: [(kind: String, mode: String)] = [
    ("map", "async"), ("map", "sync"), ("map", "multiprocess"), ("mapstream", "async"), ("batchmap", "async"),
    ("batchmap", "sync"), ("transformer", "async"), ("transformer", "sync"), ("transformer", "multiprocess"),
  ]

  /// Runs `numaflow-dev run KIND` on the fixture with `lines` as input; outputs without event times.
  func run(
    _ kind: String, mode: String, lines: [String], options: [String], expectedStatus: Int32 = 0
  ) async throws -> [String] {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: directory + "/input.jsonl"))
    let output = try await numaflowDev(
      ["run", kind, "--input", directory + "/input.jsonl"] + options
        + ["--", ServerUnderTest.binary("fixture-server"), "--kind", kind, "--mode", mode],
      expectedStatus: expectedStatus)
    return output.map { $0.replacingOccurrences(of: #""event_time":"[^"]*","#, with: "", options: .regularExpression) }
  }

  @Test(arguments: mapKinds)
  func aFailedInputIsCalledAgainThenDroppedAsTheStrategySays(kind: String, mode: String) async throws {
    let marker = try makeDirectory() + "/once"
    let lines = try await run(
      kind, mode: mode,
      lines: [#"{"value":"fail"}"#, #"{"value":"fail-once:\#(marker)"}"#, #"{"value":"ok"}"#],
      options: ["--retry-steps", "2", "--retry-interval", "5ms", "--on-failure", "drop"])
    #expect(
      lines == [
        #"{"input":1,"keys":[],"tags":["echo"],"value":"fail-once:\#(marker)"}"#,
        #"{"input":2,"keys":[],"tags":["echo"],"value":"ok"}"#,
      ], "the input failed on every attempt is dropped; the one failed once succeeds on its retry")
  }

  @Test func anInputStillFailingWhenTheStepsAreSpentIsNackedUnderOnFailureRetry() async throws {
    let lines = try await run(
      "map", mode: "async", lines: [#"{"value":"fail"}"#], options: ["--retry-steps", "1", "--on-failure", "retry"])
    #expect(lines == [#"{"input":0,"keys":[],"tags":["U+005C__FAIL__"],"value":""}"#])
  }

  @Test func withoutAStrategyNumaWouldRetryForeverAndNumaflowDevSaysSo() async throws {
    let lines = try await run(
      "transformer", mode: "sync", lines: [#"{"value":"fail"}"#], options: ["--max-attempts", "3"], expectedStatus: 1)
    #expect(lines.isEmpty)
  }

  @Test(arguments: ["async", "sync", "multiprocess"])
  func aSinkSeesNumasRetryCountOnEveryAttempt(mode: String) async throws {
    let lines = try await run(
      "sink", mode: mode, lines: [#"{"value":"flaky:2"}"#, #"{"value":"flaky:9"}"#],
      options: ["--retry-steps", "3", "--retry-interval", "1ms", "--on-failure", "fallback"])
    #expect(
      lines == [
        #"{"input":0,"status":"ok"}"#,
        #"{"error":"retry_count=3","input":1,"status":"failure"}"#,
      ], "0, 1, 2 failed and 2 was enough for the first; the second still failed on attempt 3")
  }

  @Test func aRaisedMinimumVersionIsWrittenAndExplained() async throws {
    let lines = try await numaflowDev(
      ["check", "--", ServerUnderTest.binary("fixture-server"), "--minimum-numaflow", "1.9.0"])
    #expect(lines.contains { $0.contains("minimum_numaflow_version=1.9.0-z") })
    #expect(
      lines.contains {
        $0.contains("Numaflow older than 1.9.0 refuses this container") && $0.contains("fail and retry")
      })
  }

  @Test func startUpWorkThatFailsIsPersistedAsAServerWouldAndExitsOne() async throws {
    let server = try await ServerUnderTest(
      "fixture-server", arguments: ["--fail-at-start", "no model"], waitUntilServing: false)
    defer { server.stop() }
    #expect(try await server.exitStatus() == 1)
    let failure = try server.persistedFailure()
    #expect(failure["container"] as? String == "udf")
    #expect(failure["code"] as? String == "Internal error")
    #expect(
      failure["message"] as? String
        == "UDF_EXECUTION_ERROR(udf): start-up failed while loading the fixture's model: fixture error: no model")
    #expect((failure["details"] as? String)?.contains("error type: FixtureError") == true)
  }
}
