import CoreMetrics
import Foundation
import MetricsTestKit
import NumaflowBatchMapper
import NumaflowMapper
import NumaflowReducer
import NumaflowSinker
import NumaflowSourcer
import NumaflowTesting
import Testing

@Suite(.timeLimit(.minutes(5)))
struct MetricsTests {
  func labels(_ kind: String, _ mode: String) -> [(String, String)] { [("kind", kind), ("mode", mode)] }

  @Test(arguments: ["async", "sync"])
  func everyMapMetricMoves(mode: String) async throws {
    let metrics = TestMetrics()
    let server =
      mode == "sync"
      ? MapServer(mode: .sync, configuration: .testDefaults, mapper: Twice())
      : MapServer(configuration: .testDefaults) { keys, datum in
        [NumaflowMapper.Message(datum.value), NumaflowMapper.Message(datum.value)]
      }
    try await withMetricsFactory(metrics) {
      _ = try await server.test { client in try await client.map((0..<3).map { datum("\($0)", traced: false) }) }
    }
    let labels = labels("map", mode)
    #expect(try metrics.expectCounter("numaflow_udf_calls_total", labels).totalValue == 3)
    #expect(try metrics.expectCounter("numaflow_udf_datums_total", labels).totalValue == 3)
    #expect(try metrics.expectCounter("numaflow_udf_outputs_total", labels).totalValue == 6)
    #expect(try metrics.expectTimer("numaflow_udf_call_duration_seconds", labels).values.count == 3)
    let inFlight = try metrics.expectMeter("numaflow_udf_calls_in_flight", labels)
    #expect(inFlight.values.max() ?? 0 >= 1)
    #expect(inFlight.lastValue == 0)
    #expect(metrics.counters(label: "numaflow_udf_errors_total").allSatisfy { $0.totalValue == 0 })
  }

  @Test func aHandlerErrorIsCounted() async throws {
    let metrics = TestMetrics()
    _ = await withMetricsFactory(metrics) {
      await #expect(throws: (any Error).self) {
        _ = try await MapServer(configuration: .testDefaults) { _, _ -> [NumaflowMapper.Message] in throw Failed() }
          .test { client in try await client.map(datum("a")) }
      }
    }
    #expect(try metrics.expectCounter("numaflow_udf_errors_total", labels("map", "async")).totalValue == 1)
    #expect(try metrics.expectMeter("numaflow_udf_calls_in_flight", labels("map", "async")).lastValue == 0)
  }

  @Test func aBatchRecordsItsSize() async throws {
    let metrics = TestMetrics()
    try await withMetricsFactory(metrics) {
      _ = try await SinkServer(configuration: .testDefaults) { datums in datums.map { .ok($0.id) } }
        .test { client in try await client.sink((0..<4).map { datum("\($0)", id: "\($0)") }) }
    }
    let labels = labels("sink", "async")
    #expect(try metrics.expectRecorder("numaflow_udf_call_datums", labels).values == [4])
    #expect(try metrics.expectCounter("numaflow_udf_datums_total", labels).totalValue == 4)
    #expect(try metrics.expectCounter("numaflow_udf_outputs_total", labels).totalValue == 4)
    #expect(try metrics.expectCounter("numaflow_udf_calls_total", labels).totalValue == 1)
  }

  @Test func aKeyedWindowCountsItsDatumsAndResults() async throws {
    let metrics = TestMetrics()
    try await withMetricsFactory(metrics) { try await reduceTwoKeys() }
    let labels = labels("reduce", "async")
    #expect(try metrics.expectCounter("numaflow_udf_calls_total", labels).totalValue == 2)
    #expect(try metrics.expectCounter("numaflow_udf_datums_total", labels).totalValue == 3)
    #expect(try metrics.expectCounter("numaflow_udf_outputs_total", labels).totalValue == 2)
    #expect(try metrics.expectRecorder("numaflow_udf_call_datums", labels).values.sorted() == [1, 2])
  }

  @Test func aSourceReadCountsWhatItWrote() async throws {
    let metrics = TestMetrics()
    try await withMetricsFactory(metrics) { try await readAll(5) }
    let labels = labels("source", "async")
    #expect(try metrics.expectCounter("numaflow_udf_outputs_total", labels).totalValue == 5)
    #expect(try metrics.expectRecorder("numaflow_udf_call_datums", labels).values.first == 5)
  }

  @Test func noMetricHasALabelBeyondKindAndMode() async throws {
    let metrics = TestMetrics()
    try await withMetricsFactory(metrics) {
      _ = try await MapServer(configuration: .testDefaults) { keys, datum in [NumaflowMapper.Message(datum.value)] }
        .test { client in try await client.map(datum("a", keys: ["a-key"])) }
    }
    let dimensions = metrics.counters.map(\.dimensions) + metrics.timers.map(\.dimensions)
    #expect(!dimensions.isEmpty)
    #expect(dimensions.allSatisfy { $0.map(\.0) == ["kind", "mode"] })
  }
}

struct Twice: SyncMapper {
  func map(keys: [String], datum: Datum) throws -> [NumaflowMapper.Message] {
    [NumaflowMapper.Message(datum.value), NumaflowMapper.Message(datum.value)]
  }
}
