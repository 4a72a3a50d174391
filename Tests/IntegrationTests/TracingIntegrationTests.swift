import Foundation
import NumaflowCore
import NumaflowTesting
import Testing

/// numa's trace, continued where the handler runs: in the server process or in a worker
/// process, whose spans numaflow-dev's `--trace` collects (``DevelopmentTrace``).
@Suite(.timeLimit(.minutes(5)))
struct TracingIntegrationTests {
  @Test(arguments: ["async", "sync", "multiprocess"])
  func theHandlersSpanContinuesNumasTraceInEveryProcess(mode: String) async throws {
    let spans = try makeTemporaryDirectory(prefix: "numaflow-spans")
    defer { try? FileManager.default.removeItem(atPath: spans) }
    let server = try await ServerUnderTest(
      "fixture-server", arguments: ["--mode", mode], environment: [DevelopmentTrace.directoryVariable: spans])
    defer { server.stop() }
    let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    let parents = (0..<8).map { String(format: "%016x", 0xa0 + $0) }
    let datums = parents.map { Datum(value: Data("v".utf8)).tracedBy(traceparent: "00-\(traceID)-\($0)-01") }
    _ = try await MapTestClient(socketPath: server.socketPath).map(datums)
    server.terminate()
    #expect(try await server.exitStatus() == 0)

    let records = try FileManager.default.contentsOfDirectory(atPath: spans).flatMap { name in
      try String(contentsOfFile: spans + "/" + name, encoding: .utf8).split(separator: "\n").map {
        try JSONDecoder().decode(SpanRecord.self, from: Data($0.utf8))
      }
    }
    let calls = records.filter { $0.name == "numaflow.udf.map" }
    #expect(calls.count == 8)
    #expect(calls.allSatisfy { $0.traceID == traceID })
    #expect(Set(calls.compactMap(\.parentSpanID)) == Set(parents))
    let processes = Set(calls.map(\.processID))
    if mode == "multiprocess" {
      #expect(!processes.contains(server.pid), "the handler's spans are made in the worker processes")
    } else {
      #expect(processes == [server.pid])
    }
  }
}

extension TracingIntegrationTests {
  /// `numaflow-dev run --trace` prints the handler's spans under numa's, from every process.
  @Test(arguments: ["async", "multiprocess"])
  func numaflowDevPrintsTheSpanTree(mode: String) async throws {
    let (outputs, log) = try await numaflowDevOutput([
      "run", "map", "--trace", "--input", ExampleTests.examplesDirectory + "/map-even-odd/input.jsonl", "--",
      ServerUnderTest.binary("map-even-odd"), "--mode", mode,
    ])
    #expect(outputs.count == 4)
    #expect(log.contains("numaflow-dev: trace: 4 spans"))
    let roots = log.filter { $0.hasPrefix("trace ") }
    #expect(roots.count == 4)
    #expect(roots.allSatisfy { $0.contains(", numa span ") && $0.contains("(record ") })
    #expect(log.filter { $0.hasPrefix("└─ numaflow.udf.map ") }.count == 4)
  }
}
