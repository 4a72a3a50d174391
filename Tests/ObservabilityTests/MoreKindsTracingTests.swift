import Foundation
import NumaflowAccumulator
import NumaflowReduceStreamer
import NumaflowServingStore
import NumaflowSessionReducer
import NumaflowSideInput
import NumaflowSourcer
import NumaflowTesting
import Synchronization
import Testing
import Tracing

/// The kinds numa sends no trace context: each call still has its span, a new trace, which the
/// handler sees as current.
@Suite(.timeLimit(.minutes(5)))
struct MoreKindsTracingTests {
  static let origin = Date(timeIntervalSince1970: 1_767_225_600)

  func keyed(_ key: String, at seconds: Double) -> Datum {
    Datum(id: "\(key)-\(seconds)", keys: [key], value: Data("v".utf8), eventTime: Self.origin + seconds)
  }

  @Test func aSourceReadHasOneSpanWithWhatItWrote() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) { try await readAll(3) }
    let span = try #require(tracer.finishedSpans.first { $0.operationName == "numaflow.udf.source" })
    #expect(span.spanContext.parentSpanID == nil)
    #expect(span.attributes["messaging.batch.message_count"]?.toSpanAttribute() == 3)
  }

  @Test func aSideInputRetrievalHasItsSpan() async throws {
    let tracer = RecordingTracer()
    let seen = SeenContexts()
    try await withTracer(tracer) {
      _ = try await SideInputServer(configuration: .testDefaults) {
        seen.record()
        return .broadcast(Data("on".utf8))
      }.test { client in try await client.retrieve() }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.sideinput")
    #expect(seen.all == [span.spanContext])
  }

  @Test func aStreamReducersKeyedWindowHasItsSpan() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await ReduceStreamServer(configuration: .testDefaults) { keys, datums, _, output in
        for await datum in datums { try await output.write(NumaflowReducer.Message(datum.value, keys: keys)) }
      }.test { client in
        try await client.reduce(
          [keyed("a", at: 1), keyed("a", at: 2)], window: Window(start: Self.origin, end: Self.origin + 60))
      }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.reducestream")
    #expect(span.attributes["messaging.batch.message_count"]?.toSpanAttribute() == 2)
  }

  @Test func eachSessionHasItsSpanAndTheHandlerSeesIt() async throws {
    let tracer = RecordingTracer()
    let seen = SeenContexts()
    try await withTracer(tracer) {
      _ = try await SessionReduceServer(configuration: .testDefaults) { SeeingSession(seen: seen) }.test { client in
        try await client.reduce([keyed("a", at: 0), keyed("b", at: 0), keyed("a", at: 5)], gap: .seconds(30))
      }
    }
    let spans = tracer.finishedSpans.filter { $0.operationName == "numaflow.udf.sessionreduce" }
    #expect(spans.count == 2)
    #expect(Set(seen.all.compactMap { $0?.spanID }) == Set(spans.map(\.spanContext.spanID)))
  }

  @Test func eachServingCallHasItsSpanWithItsPayloads() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await ServingStoreServer(configuration: .testDefaults, servingStore: InMemoryServingStore()).test {
        client in
        try await client.put(id: "r1", payloads: [Payload(origin: "sink", value: Data("a".utf8))])
        return try await client.get(id: "r1")
      }
    }
    let spans = tracer.finishedSpans
    #expect(spans.map(\.operationName) == ["numaflow.udf.serving", "numaflow.udf.serving"])
    #expect(spans.allSatisfy { $0.attributes["messaging.batch.message_count"]?.toSpanAttribute() == 1 })
  }

  @Test func eachAccumulatorKeyHasItsSpan() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await AccumulatorServer(configuration: .testDefaults) { keys, datums, output in
        for await datum in datums { try await output.write(NumaflowAccumulator.Message(forwarding: datum)) }
      }.test { client in
        try await client.accumulate([keyed("a", at: 1), keyed("b", at: 2), keyed("a", at: 3)], timeout: .seconds(10))
      }
    }
    let spans = tracer.finishedSpans.filter { $0.operationName == "numaflow.udf.accumulator" }
    #expect(spans.count == 2)
    #expect(spans.allSatisfy { $0.spanContext.parentSpanID == nil })
  }
}

/// Serves `count` records and reads them all in one read.
func readAll(_ count: Int) async throws {
  let records = AsyncStream<SourceRecord> { continuation in
    for number in 0..<count { continuation.yield(SourceRecord("\(number)")) }
    continuation.finish()
  }
  _ = try await SourceServer(configuration: .testDefaults, publishing: records).test { client in
    try await client.read(count: count)
  }
}

final class SeeingSession: SessionReducer {
  let seen: SeenContexts
  init(seen: SeenContexts) { self.seen = seen }

  func sessionReduce(
    keys: [String], datums: NumaflowSessionReducer.Datums, output: NumaflowSessionReducer.MessageWriter
  )
    async throws
  {
    seen.record()
    var count = 0
    for await _ in datums { count += 1 }
    try await output.write(NumaflowSessionReducer.Message(Data("\(count)".utf8), keys: keys))
  }

  func accumulator() async throws -> Data { Data() }
  func merge(accumulator: Data) async throws {}
}
