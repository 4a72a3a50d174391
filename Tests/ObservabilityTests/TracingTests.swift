import Foundation
import InMemoryTracing
import Logging
import NumaflowBatchMapper
import NumaflowMapStreamer
import NumaflowMapper
import NumaflowReducer
import NumaflowSinker
import NumaflowSourceTransformer
import NumaflowTesting
import Synchronization
import Testing
import Tracing

/// numa's span for one UDF call, as it writes it into `tracing_udf`.
let numaTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
let numaSpanID = "00f067aa0ba902b7"
let numaTraceparent = "00-\(numaTraceID)-\(numaSpanID)-01"

struct Failed: Error, CustomStringConvertible {
  var description: String { "handler failed on purpose" }
}

/// The span context a handler sees as current.
final class SeenContexts: Sendable {
  private let seen = Mutex<[InMemorySpanContext?]>([])
  func record() { seen.withLock { $0.append(ServiceContext.current?.inMemorySpanContext) } }
  var all: [InMemorySpanContext?] { seen.withLock { $0 } }
}

func datum(_ text: String, id: String = "", keys: [String] = ["k"], traced: Bool = true) -> Datum {
  let datum = Datum(id: id, keys: keys, value: Data(text.utf8))
  return traced ? datum.tracedBy(traceparent: numaTraceparent) : datum
}

@Suite(.timeLimit(.minutes(5)))
struct TracingTests {
  @Test(arguments: ["async", "sync", "inline"])
  func aMapCallContinuesNumasTraceAndTheHandlerSeesItsSpan(mode: String) async throws {
    let tracer = RecordingTracer()
    let seen = SeenContexts()
    let server =
      switch mode {
      case "sync":
        MapServer(mode: .sync, configuration: .testDefaults, mapper: SyncSeeing(seen: seen))
      case "inline":
        MapServer(mode: .async, configuration: .testDefaults, mapper: SyncSeeing(seen: seen))
      default:
        MapServer(configuration: .testDefaults) { keys, datum in
          seen.record()
          return [NumaflowMapper.Message(datum.value, keys: keys)]
        }
      }
    try await withTracer(tracer) {
      _ = try await server.test { client in try await client.map(datum("a", keys: ["x", "y"])) }
    }

    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.map")
    #expect(span.spanContext.traceID == numaTraceID)
    #expect(span.spanContext.parentSpanID == numaSpanID)
    #expect(span.kind == .consumer)
    #expect(span.attributes["numaflow.udf.kind"]?.toSpanAttribute() == "map")
    #expect(span.attributes["numaflow.keys.count"]?.toSpanAttribute() == 2)
    #expect(span.attributes["messaging.message.id"] != nil)
    #expect(seen.all == [span.spanContext])
  }

  @Test func aCallWithoutNumasTraceStartsANewOne() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await MapServer(configuration: .testDefaults) { keys, datum in [NumaflowMapper.Message(datum.value)] }
        .test { client in try await client.map(datum("a", traced: false)) }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.spanContext.parentSpanID == nil)
    #expect(span.spanContext.traceID != numaTraceID)
  }

  @Test func aMalformedTraceparentStartsANewTrace() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await MapServer(configuration: .testDefaults) { _, datum in [NumaflowMapper.Message(datum.value)] }
        .test { client in
          try await client.map(Datum(value: Data("a".utf8)).tracedBy(traceparent: "00-not-a-trace-01"))
        }
    }
    #expect(try #require(tracer.finishedSpans.only).spanContext.parentSpanID == nil)
  }

  @Test func aHandlersErrorIsRecordedOnItsSpan() async throws {
    let tracer = RecordingTracer()
    _ = await withTracer(tracer) {
      await #expect(throws: (any Error).self) {
        _ = try await MapServer(configuration: .testDefaults) { _, _ -> [NumaflowMapper.Message] in throw Failed() }
          .test { client in try await client.map(datum("a")) }
      }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.errors.count == 1)
    #expect(span.status?.code == .error)
    #expect(span.spanContext.parentSpanID == numaSpanID)
  }

  @Test func aHandlersOwnSpansNestUnderTheCallsSpan() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await MapServer(configuration: .testDefaults) { _, datum in
        withSpan("lookup") { _ in [NumaflowMapper.Message(datum.value)] }
      }.test { client in try await client.map(datum("a")) }
    }
    let spans = tracer.finishedSpans
    let call = try #require(spans.first { $0.operationName == "numaflow.udf.map" })
    let lookup = try #require(spans.first { $0.operationName == "lookup" })
    #expect(lookup.spanContext.parentSpanID == call.spanContext.spanID)
    #expect(lookup.spanContext.traceID == numaTraceID)
  }

  @Test func aStreamMapCallContinuesNumasTrace() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await MapStreamServer(configuration: .testDefaults) { keys, datum, output in
        try await output.write(NumaflowMapper.Message(datum.value, keys: keys))
      }.test { client in try await client.mapStream(datum("a")) }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.mapstream")
    #expect(span.spanContext.parentSpanID == numaSpanID)
  }

  @Test func aSourceTransformCallHasItsSpan() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await SourceTransformServer(configuration: .testDefaults) { keys, datum in
        [NumaflowSourceTransformer.Message(datum.value, eventTime: datum.eventTime, keys: keys)]
      }.test { client in try await client.transform(datum("a", traced: false)) }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.sourcetransform")
  }

  @Test func aBatchHasOneSpanLinkedToEachDatumsTrace() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await BatchMapServer(configuration: .testDefaults) { datums in
        datums.map { BatchResponse(id: $0.id, messages: [NumaflowMapper.Message($0.value)]) }
      }.test { client in
        try await client.mapBatch([datum("a", id: "1"), datum("b", id: "2", traced: false), datum("c", id: "3")])
      }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.batchmap")
    #expect(span.spanContext.parentSpanID == nil)
    #expect(span.links.count == 2)
    #expect(span.links.allSatisfy { $0.context.inMemorySpanContext?.spanID == numaSpanID })
    #expect(span.attributes["messaging.batch.message_count"]?.toSpanAttribute() == 3)
  }

  @Test func aSinkBatchHasOneSpanLinkedToEachDatumsTrace() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) {
      _ = try await SinkServer(configuration: .testDefaults) { datums in datums.map { .ok($0.id) } }
        .test { client in try await client.sink([datum("a", id: "1"), datum("b", id: "2")]) }
    }
    let span = try #require(tracer.finishedSpans.only)
    #expect(span.operationName == "numaflow.udf.sink")
    #expect(span.links.count == 2)
  }

  @Test func eachKeyedWindowHasOneSpanWithItsSize() async throws {
    let tracer = RecordingTracer()
    try await withTracer(tracer) { try await reduceTwoKeys() }
    let spans = tracer.finishedSpans
    #expect(spans.count == 2)
    #expect(spans.allSatisfy { $0.operationName == "numaflow.udf.reduce" && $0.spanContext.parentSpanID == nil })
    let sizes = spans.compactMap { span -> Int64? in
      guard case .int64(let size) = span.attributes["messaging.batch.message_count"]?.toSpanAttribute() else {
        return nil
      }
      return size
    }
    #expect(sizes.sorted() == [1, 2])
  }

  @Test func aLogLineInAHandlerCarriesTheTraceAndSpanIDs() async throws {
    let tracer = RecordingTracer()
    let logged = Mutex<Logger.Metadata>([:])
    try await withTracer(tracer) {
      _ = try await MapServer(configuration: .testDefaults) { _, datum in
        logged.withLock { $0 = Logger.MetadataProvider.traceContext.get() }
        return [NumaflowMapper.Message(datum.value)]
      }.test { client in try await client.map(datum("a")) }
    }
    let span = try #require(tracer.finishedSpans.only)
    let metadata = logged.withLock { $0 }
    #expect(metadata["trace_id"] == "\(numaTraceID)")
    #expect(metadata["span_id"] == "\(span.spanContext.spanID)")
  }

  @Test func outsideASpanTheLogProviderAddsNothing() {
    #expect(Logger.MetadataProvider.traceContext.get().isEmpty)
  }
}

/// One window, keys `x` (two datums) and `y` (one), each answered with its count.
func reduceTwoKeys() async throws {
  let origin = Date(timeIntervalSince1970: 1_767_225_600)
  _ = try await ReduceServer(configuration: .testDefaults) { keys, datums, _ in
    var count = 0
    for await _ in datums { count += 1 }
    return [NumaflowReducer.Message(Data("\(count)".utf8), keys: keys)]
  }.test { client in
    try await client.reduce(
      [datum("a", keys: ["x"]), datum("b", keys: ["x"]), datum("c", keys: ["y"])],
      window: Window(start: origin, end: origin + 60))
  }
}

struct SyncSeeing: SyncMapper {
  let seen: SeenContexts
  func map(keys: [String], datum: Datum) throws -> [NumaflowMapper.Message] {
    seen.record()
    return [NumaflowMapper.Message(datum.value, keys: keys)]
  }
}

extension Array {
  /// The one element, or `nil` when there are none or several.
  var only: Element? { count == 1 ? first : nil }
}
