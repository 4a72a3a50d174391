import ArgumentParser
import Foundation
import NumaflowAccumulator
import NumaflowCore
import NumaflowDevKit
import NumaflowMapper
import NumaflowProtos
import NumaflowReducer
import NumaflowServingStore
import NumaflowSessionReducer
import NumaflowSideInput
import NumaflowSinker
import NumaflowSourceTransformer
import NumaflowSourcer
import NumaflowTesting
import SwiftProtobuf
import Synchronization

/// A kind of UDF numaflow-dev can drive: numa's endpoint for it, and the client that plays
/// numa. Every kind is one row of ``all``; nothing else in numaflow-dev names a kind.
struct UDFKind: Sendable, ExpressibleByArgument, CustomStringConvertible {
  /// The name on the command line: `map`, `mapstream`, ...
  let name: String
  /// What `run` does with the records, for `--help`.
  let runs: String
  /// What `run` reads from `--input`.
  enum Input {
    /// Records to send as data (`InputRecord`).
    case records
    /// Puts and gets (`ServingCall`).
    case servingCalls
    /// Nothing: the server makes its own (a source, a side-input retriever).
    case none
  }

  let input: Input
  /// Where numa finds the kind's server: the first unless a role says otherwise (a sink's
  /// fallback and on-success roles have their own).
  let endpoints: [Endpoint]
  var endpoint: Endpoint { endpoints[0] }
  /// `NUMAFLOW_UD_CONTAINER_TYPE` as the platform sets it for the kind's primary role.
  let containerType: String
  let isReady: @Sendable (_ socketPath: String) async throws -> Bool
  /// Opens a stream, sends only the handshake, and says whether the first reply is one.
  /// `nil` for protocols without one (unary calls).
  let answersHandshake: (@Sendable (_ socketPath: String) async throws -> Bool)?
  /// Sends every record (or reads from a source) and returns the output lines, in order.
  let run: @Sendable (_ input: RunInput, _ socketPath: String) async throws -> [OutputRecord]
  /// Keeps `window` requests of `payload` in flight until `total` are answered (a reducer:
  /// sends `total` over `keys` keys in one window; a side-input retriever or a serving store:
  /// `window` calls at a time).
  let drive:
    @Sendable (_ socketPath: String, _ total: Int, _ window: Int, _ payload: BenchPayload, _ keys: Int) async throws
      -> Int

  static let all: [UDFKind] = [
    .map, .mapStream, .batchMap, .transformer, .source, .sink, .sideInput, .serving, .reduce, .reduceStream,
    .session, .accumulator,
  ]

  var description: String { name }

  init?(argument: String) {
    guard let kind = Self.all.first(where: { $0.name == argument }) else { return nil }
    self = kind
  }

  static var allValueStrings: [String] { all.map(\.name) }

  /// The kind a server-info file describes, if numaflow-dev can drive it.
  init?(_ info: ServerInfoCheck) {
    guard let kind = Self.all.first(where: { $0.endpoints.contains { $0.socketFileName == info.socketFileName } })
    else { return nil }
    self = kind
  }

  private init(
    _ name: String,
    runs: String,
    endpoints: [Endpoint],
    containerType: String = "udf",
    input: Input = .records,
    isReady: @escaping @Sendable (String) async throws -> Bool,
    answersHandshake: (@Sendable (String) async throws -> Bool)?,
    run: @escaping @Sendable (RunInput, String) async throws -> [OutputRecord],
    drive: @escaping @Sendable (String, Int, Int, BenchPayload, Int) async throws -> Int
  ) {
    (self.name, self.runs, self.endpoints, self.containerType) = (name, runs, endpoints, containerType)
    self.input = input
    (self.isReady, self.answersHandshake, self.run, self.drive) = (isReady, answersHandshake, run, drive)
  }

  static let map = UDFKind(
    "map", runs: "all records in flight on one stream", endpoints: [.map],
    isReady: { try await MapTestClient(socketPath: $0).isReady() },
    answersHandshake: answersMapHandshake,
    run: { input, socket in
      let client = MapTestClient(socketPath: socket)
      return try await input.retryingFailures(isFailure: \.isFail) { datums, _ in try await client.map(datums) }
        .outputRecords
    },
    drive: { socket, total, window, payload, _ in
      try await MapTestClient(socketPath: socket).drive(total: total, window: window, makeRequest: mapRequest(payload))
    }
  )

  static let mapStream = UDFKind(
    "mapstream", runs: "outputs in the order written", endpoints: [.mapStream],
    isReady: { try await MapStreamTestClient(socketPath: $0).isReady() },
    answersHandshake: answersMapHandshake,
    run: { input, socket in
      let client = MapStreamTestClient(socketPath: socket)
      return try await input.retryingFailures(isFailure: \.isFail) { datums, _ in try await client.mapStream(datums) }
        .outputRecords
    },
    drive: { socket, total, window, payload, _ in
      try await MapStreamTestClient(socketPath: socket).drive(
        total: total, window: window, makeRequest: mapRequest(payload))
    }
  )

  static let batchMap = UDFKind(
    "batchmap", runs: "all records form one batch", endpoints: [.batchMap],
    isReady: { try await BatchMapTestClient(socketPath: $0).isReady() },
    answersHandshake: answersMapHandshake,
    run: { input, socket in
      // numa retries a batch map's failed inputs as a batch of their own.
      let client = BatchMapTestClient(socketPath: socket)
      return try await input.retryingFailures(isFailure: \.isFail) { datums, _ in try await client.mapBatch(datums) }
        .outputRecords
    },
    // numa reads and sends batches of its read batch size, one at a time.
    drive: { socket, total, window, payload, _ in
      try await BatchMapTestClient(socketPath: socket).drive(
        total: total, batchSize: window, makeRequest: mapRequest(payload))
    }
  )

  static let transformer = UDFKind(
    "transformer", runs: "outputs also carry \"event_time\"", endpoints: [.sourceTransformer],
    containerType: "transformer",
    isReady: { try await SourceTransformTestClient(socketPath: $0).isReady() },
    answersHandshake: { socket in
      let outcome = try await SourceTransformTestClient(socketPath: socket)
        .exchange([.handshakeRequest], awaitingResponses: 1, timeout: .seconds(10))
      return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
    },
    run: { input, socket in
      let client = SourceTransformTestClient(socketPath: socket)
      return try await input.retryingFailures(isFailure: \.isFail) { datums, _ in try await client.transform(datums) }
        .enumerated()
        .flatMap { index, messages in
          messages.map {
            OutputRecord(
              input: index, value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata,
              eventTime: $0.eventTime)
          }
        }
    },
    drive: { socket, total, window, payload, _ in
      let template = payload.shaped(payload.datum.transformRequest(id: ""))
      return try await SourceTransformTestClient(socketPath: socket).drive(total: total, window: window) { index in
        var request = template
        request.request.id = "bench-\(index)"
        return request
      }
    }
  )

  static let source = UDFKind(
    "source", runs: "reads and acks as numa does; one line per message read (no --input)", endpoints: [.source],
    containerType: "udsource", input: .none,
    isReady: { try await SourceTestClient(socketPath: $0).isReady() },
    answersHandshake: { socket in
      // A read of nothing: the handshake, then an EOT.
      (try? await SourceTestClient(socketPath: socket).read(count: 0, timeout: .milliseconds(10))) != nil
    },
    run: { input, socket in
      let lines = LineCollector()
      let report = try await SourceTestClient(socketPath: socket).run(
        input.reading, total: input.count, timeLimit: input.timeLimit
      ) { message, nacked in
        var line = OutputRecord(
          input: nil, value: message.value, keys: message.keys, tags: nil, userMetadata: message.userMetadata,
          eventTime: message.eventTime)
        line.offset = message.offset.text ?? message.offset.value.base64EncodedString()
        line.partition = message.offset.partitionID
        line.headers = message.headers.isEmpty ? nil : message.headers
        line.nacked = nacked
        lines.append(line)
      }
      log("at-least-once check: \(report)")
      guard report.lost.isEmpty else { throw LostOffsets(lines: lines.all, report: report) }
      return lines.all
    },
    drive: { socket, total, window, _, _ in
      var reading = SourceReading()
      reading.batchSize = window
      return try await SourceTestClient(socketPath: socket).run(reading, total: total, timeLimit: .seconds(600)).read
    }
  )

  static let sink = UDFKind(
    "sink",
    runs:
      "records in batches of --batch-size; one line per response, with its status (--role for fallback or on-success sinks)",
    endpoints: [.sink, .fallbackSink, .onSuccessSink], containerType: "udsink",
    isReady: { try await SinkTestClient(socketPath: $0).isReady() },
    answersHandshake: { socket in
      let outcome = try await SinkTestClient(socketPath: socket)
        .exchange([.handshakeRequest], awaitingResponses: 1, timeout: .seconds(10))
      return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
    },
    run: { input, socket in
      // numa writes each datum's attempt into its system metadata (Numaflow 1.8.3), and
      // retries failed datums only under a retryStrategy (--retry-*).
      let client = SinkTestClient(socketPath: socket)
      let write = { (datums: [Datum], retryCount: Int) in
        let batches = stride(from: 0, to: datums.count, by: input.batchSize).map {
          datums[$0..<min(datums.count, $0 + input.batchSize)].map { $0.retrying(retryCount) }
        }
        return try await client.sink(batches: batches).flatMap { $0 }.map { [$0] }
      }
      let responses =
        input.retry == nil
        ? try await write(input.datums, 0)
        : try await input.retryingFailures(
          isFailure: { if case .failure = $0.status { true } else { false } }, call: write)
      return responses.enumerated().flatMap { index, responses in
        responses.map { OutputRecord(input: index, response: $0) }
      }
    },
    drive: { socket, total, window, payload, _ in
      // numa tells a sink how many times it has tried to write each message.
      let datum = payload.numaShaped ? payload.datum.retrying(0) : payload.datum
      let template = payload.shaped(datum.sinkRequest(id: ""))
      return try await SinkTestClient(socketPath: socket).drive(total: total, batchSize: window) { index in
        var request = template
        request.request.id = "bench-\(index)"
        return request
      }
    }
  )

  static let reduce = UDFKind(
    "reduce", runs: "windows from event times (--window); one line per result, with its window", endpoints: [.reduce],
    isReady: { try await ReduceTestClient(socketPath: $0).isReady() },
    answersHandshake: nil,
    run: runReduce,
    drive: driveReduce
  )

  static let reduceStream = UDFKind(
    "reducestream", runs: "as reduce, for a streaming reducer", endpoints: [.reduceStream],
    isReady: { try await ReduceTestClient(socketPath: $0).isReady() },
    answersHandshake: nil,
    run: runReduce,
    drive: driveReduce
  )

  /// One window of `total` messages over `keys` keys, answered when its EOF arrives.
  @Sendable private static func driveReduce(
    socket: String, total: Int, window: Int, payload: BenchPayload, keys: Int
  ) async throws -> Int {
    let minute = Window(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 60))
    let template = Datum(value: payload.value, eventTime: minute.start).reduceRequest(window: minute, event: .append)
    let keyNames = (0..<max(1, keys)).map { ["key-\($0)"] }
    let requests = (0..<total).map { index in
      var request = template
      request.payload.keys = keyNames[index % keyNames.count]
      request.payload = payload.shaped(payload: request.payload)
      if index == 0 { request.operation.event = .open }
      return request
    }
    let outcome = try await ReduceTestClient(socketPath: socket).send(requests)
    if let error = outcome.error { throw error }
    guard outcome.responses.last?.eof == true else { throw ValidationFailure("the window ended without an EOF") }
    return total
  }

  static let session = UDFKind(
    "session", runs: "session windows from event times (--window session:30s); one line per result, with its session",
    endpoints: [.sessionReduce],
    isReady: { try await SessionReduceTestClient(socketPath: $0).isReady() },
    answersHandshake: nil,
    run: { input, socket in
      let outcome = try await SessionReduceTestClient(socketPath: socket).reduce(input.datums, gap: input.sessionGap)
      // Sessions run concurrently: each session's results in the order sent, sessions by keys and start.
      let outputs = outcome.outputs.sorted { $0.window.start < $1.window.start }.orderedByKeys(\.keys)
      return outputs.map { output in
        var line = OutputRecord(
          input: nil, value: output.message.value, keys: output.message.keys, tags: output.message.tags,
          userMetadata: MessageMetadata())
        line.window = OutputRecord.WindowLine(output.window)
        return line
      }
    },
    drive: { socket, total, _, payload, keys in
      // Over `keys` keys, one event per millisecond; a key's events are 10 s apart after every
      // 100 of them, so the 1 s gap cuts sessions of 100, each closed when the stream ends.
      let origin = Date(timeIntervalSince1970: 1_767_225_600)
      let keyCount = max(1, keys)
      let datums = (0..<total).map { index in
        let (key, position) = (index % keyCount, index / keyCount)
        let seconds = Double(position / 100) * 10 + Double(position % 100) / 1000
        return Datum(keys: ["key-\(key)"], value: payload.value, eventTime: origin + seconds)
      }
      let requests = SessionReduceTestClient.requests(for: datums, gap: .seconds(1)).map { request in
        guard request.hasPayload else { return request }
        var request = request
        request.payload = payload.shaped(payload: request.payload)
        return request
      }
      let outcome = try await SessionReduceTestClient(socketPath: socket).send(requests)
      if let error = outcome.error { throw error }
      guard outcome.responses.contains(where: \.hasResult) else { throw ValidationFailure("no session was answered") }
      return total
    }
  )

  static let accumulator = UDFKind(
    "accumulator",
    runs: "records by keys on one stream, each key closed after --accumulator-timeout; one line per output",
    endpoints: [.accumulator],
    isReady: { try await AccumulatorTestClient(socketPath: $0).isReady() },
    answersHandshake: nil,
    run: { input, socket in
      // Numa's ids are the input messages'; here, each record's line among the records.
      let datums = input.datums.enumerated().map { index, datum in
        Datum(
          id: "\(index)", keys: datum.keys, value: datum.value, eventTime: datum.eventTime, watermark: datum.watermark,
          headers: datum.headers)
      }
      let outcome = try await AccumulatorTestClient(socketPath: socket).accumulate(
        datums, timeout: input.accumulatorTimeout)
      // Keys run concurrently: each key's outputs in the order sent, keys in order.
      let outputs = outcome.outputs.orderedByKeys(\.keys)
      return outputs.map { output in
        var line = OutputRecord(
          input: Int(output.message.id), value: output.message.value, keys: output.message.keys,
          tags: output.message.tags, userMetadata: MessageMetadata(), eventTime: output.message.eventTime)
        line.window = OutputRecord.WindowLine(output.window)
        return line
      }
    },
    drive: { socket, total, _, payload, keys in
      // In order, one event per millisecond, the watermark right behind, over `keys` keys.
      let origin = Date(timeIntervalSince1970: 1_767_225_600)
      let datums = (0..<total).map { index in
        Datum(
          id: "\(index)", keys: ["key-\(index % max(1, keys))"], value: payload.value,
          eventTime: origin + Double(index) / 1000, watermark: origin + Double(index - 1) / 1000)
      }
      let client = AccumulatorTestClient(socketPath: socket)
      let requests = AccumulatorTestClient.requests(for: datums, timeout: .seconds(1)).map { request in
        guard request.hasPayload else { return request }
        var request = request
        request.payload = payload.shaped(payload: request.payload)
        return request
      }
      let outcome = try await client.send(requests)
      if let error = outcome.error { throw error }
      return outcome.responses.filter { !$0.eof }.count
    }
  )

  /// Every aligned window of the records on its own stream, as numa does.
  @Sendable private static func runReduce(_ input: RunInput, socket: String) async throws -> [OutputRecord] {
    try await ReduceTestClient(socketPath: socket).reduce(input.datums, windowing: input.windowing).map { output in
      var line = OutputRecord(
        input: nil, value: output.message.value, keys: output.message.keys, tags: output.message.tags,
        userMetadata: MessageMetadata())
      line.window = OutputRecord.WindowLine(output.window)
      return line
    }
  }

  static let sideInput = UDFKind(
    "sideinput", runs: "calls the retriever --count times (no --input); one line per call", endpoints: [.sideInput],
    containerType: "udsi", input: .none,
    isReady: { try await SideInputTestClient(socketPath: $0).isReady() },
    answersHandshake: nil,
    run: { input, socket in
      let client = SideInputTestClient(socketPath: socket)
      var lines: [OutputRecord] = []
      for call in 0..<input.count {
        var line = OutputRecord(input: call)
        switch try await client.retrieve() {
        case .broadcast(let value):
          line.status = "broadcast"
          line.setValue(value)
        case .noBroadcast:
          line.status = "no_broadcast"
        }
        lines.append(line)
      }
      return lines
    },
    drive: { socket, total, window, _, _ in
      // `total` calls of the retriever, `window` at a time, over one connection.
      try await SideInputTestClient.test(socketPath: socket) { client in
        try await inFlight(total: total, window: window) { _ in _ = try await client.retrieve() }
      }
      return total
    }
  )

  static let serving = UDFKind(
    "serving", runs: #"puts and gets from lines {"put":ID,"payloads":[{"origin":O,"value":V}]} or {"get":ID}"#,
    endpoints: [.serving], containerType: "udstore", input: .servingCalls,
    isReady: { try await ServingStoreTestClient(socketPath: $0).isReady() },
    answersHandshake: nil,
    run: { input, socket in
      let client = ServingStoreTestClient(socketPath: socket)
      var lines: [OutputRecord] = []
      for (index, call) in input.servingCalls.enumerated() {
        var line = OutputRecord(input: index)
        switch call {
        case .put(let id, let payloads):
          try await client.put(id: id, payloads: payloads)
          line.status = "ok"
        case .get(let id):
          line.id = id
          line.payloads = try await client.get(id: id).map(OutputRecord.PayloadLine.init)
        }
        lines.append(line)
      }
      return lines
    },
    drive: { socket, total, window, payload, _ in
      // A put of `payload` and a get of it per message, `window` at a time, over one connection;
      // each request id new, as numa's are (a store appends a second put's payloads).
      let run = UInt32.random(in: 0...UInt32.max)
      try await ServingStoreTestClient.test(socketPath: socket) { client in
        try await inFlight(total: total, window: window) { index in
          let id = "bench-\(run)-\(index)"
          try await client.put(id: id, payloads: [Payload(origin: "bench", value: payload.value)])
          guard try await client.get(id: id).first?.value == payload.value else {
            throw ValidationFailure("the store did not give back what was put for \(id)")
          }
        }
      }
      return total
    }
  )

  /// Runs `call` for 0..<total with at most `window` calls at once.
  @Sendable private static func inFlight(
    total: Int, window: Int, _ call: @escaping @Sendable (Int) async throws -> Void
  ) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      var next = 0
      while next < min(window, total) {
        let index = next
        group.addTask { try await call(index) }
        next += 1
      }
      while try await group.next() != nil, next < total {
        let index = next
        group.addTask { try await call(index) }
        next += 1
      }
      try await group.waitForAll()
    }
  }

  /// Every map mode answers the same handshake on the same service.
  @Sendable private static func answersMapHandshake(socketPath: String) async throws -> Bool {
    let outcome = try await MapTestClient(socketPath: socketPath)
      .exchange([.handshakeRequest], awaitingResponses: 1, timeout: .seconds(10))
    return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
  }

  /// Benchmark requests carrying `payload`.
  private static func mapRequest(_ payload: BenchPayload) -> @Sendable (Int) -> Map_V1_MapRequest {
    var template = Map_V1_MapRequest()
    if payload.numaShaped {
      template = payload.shaped(payload.datum.mapRequest(id: ""))
    } else {
      // As earlier results were measured: no metadata at all.
      template.request.keys = ["key"]
      template.request.value = payload.value
      template.request.eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: Date())
    }
    return { [template] index in
      var request = template
      request.id = "bench-\(index)"
      return request
    }
  }
}

extension RunInput {
  /// The datums numa would send for the records (with numa's trace context under `--trace`).
  var datums: [Datum] {
    guard let traceparents else { return records.map(\.datum) }
    return zip(records, traceparents).map { $0.datum.tracedBy(traceparent: $1) }
  }
}

/// Output lines gathered from a callback.
final class LineCollector: Sendable {
  private let lines = Mutex<[OutputRecord]>([])

  var all: [OutputRecord] { lines.withLock { $0 } }
  func append(_ line: OutputRecord) { lines.withLock { $0.append(line) } }
}

extension InputRecord.Fields {
  /// The datum numa would send for this record.
  var datum: Datum {
    Datum(keys: keys, value: value, eventTime: eventTime, watermark: watermark, headers: headers)
  }
}

extension [[NumaflowMapper.Message]] {
  /// One output line per message, tagged with its input's index.
  var outputRecords: [OutputRecord] {
    enumerated().flatMap { index, messages in
      messages.map {
        OutputRecord(input: index, value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata)
      }
    }
  }
}
