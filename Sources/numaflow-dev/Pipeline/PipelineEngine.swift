import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowTesting

/// Plays numa for every vertex of a pipeline: reads each source a batch at a time, carries the
/// batch through the vertices in topological order (a UDF's outputs go down every edge whose
/// tag condition admits them), acks the batch's source messages once it has gone through or
/// nacks those a vertex sent back, and at the end of the input closes every window.
///
/// A batch goes through the whole pipeline before the next is read, so a run is deterministic
/// for a given input; watermarks still advance batch by batch as the source's event times do.
final class PipelineEngine {
  struct Options: Sendable {
    /// The data of a source vertex, replacing what the source would make (`--input`).
    var inputs: [String: [InputRecord.Fields]] = [:]
    /// How many messages an unbounded source (generator, user-defined) gives before the run ends.
    var messages = 1000
    /// The generator's simulated clock starts here.
    var startTime = Date()
    var maxAttempts = 100
    var sideInputsOnce = false
    /// Ends a user-defined source's streams after every this many reads, before that read is
    /// acked, and opens new ones, as a restart of numa does.
    var restartSourcesEvery: Int?
  }

  /// Where ``run(streams:)`` stopped.
  enum Progress {
    /// The input has ended and every window is closed.
    case finished
    /// A user-defined source's streams must end and new ones be opened; run again with them.
    case restartSources
  }

  private let spec: PipelineSpec
  private let servers: PipelineServers
  private let options: Options
  let ledger: RunLedger
  private let order: [String]
  private var steps: [String: any VertexStep] = [:]
  private var transformers: [String: TransformerStep] = [:]
  private var sourceWatermarks: [String: Date] = [:]
  private let sideInputs: SideInputFeed
  /// The sources still giving, with their read batch sizes; `nil` before the run starts.
  private var active: [(name: String, feed: any SourceFeed, batchSize: Int)]?
  private var reads: [String: Int] = [:]

  init(spec: PipelineSpec, servers: PipelineServers, options: Options, ledger: RunLedger) throws {
    (self.spec, self.servers, self.options, self.ledger) = (spec, servers, options, ledger)
    order = try spec.topologicalOrder
    sideInputs = SideInputFeed(spec: spec, servers: servers, once: options.sideInputsOnce)
    for vertex in spec.vertices {
      let upstreams = spec.edges.filter { $0.to == vertex.name }.map(\.from)
      switch vertex.role {
      case .source(let source):
        if source.transformer != nil {
          transformers[vertex.name] = TransformerStep(
            name: vertex.name, connection: servers.connection("\(vertex.name)/transformer"),
            maxAttempts: options.maxAttempts,
            ledger: ledger)
        }
      case .udf(let udf):
        steps[vertex.name] = try udfStep(vertex, udf, upstreams: upstreams)
      case .sink(let sink):
        steps[vertex.name] = SinkStep(
          name: vertex.name, spec: sink, servers: servers, idHeader: spec.servingIDHeader,
          batchSize: vertex.readBatchSize,
          maxAttempts: options.maxAttempts, ledger: ledger)
      }
    }
  }

  /// The step for a UDF vertex, from the kind its server said it is and the vertex's window.
  private func udfStep(_ vertex: PipelineSpec.Vertex, _ udf: PipelineSpec.UDF, upstreams: [String]) throws
    -> any VertexStep
  {
    guard udf.container != nil else {
      guard udf.window == nil else {
        throw ValidationFailure("vertex \(vertex.name): the built-in cat does not reduce")
      }
      return CatStep()
    }
    let server = servers.servers[vertex.name]!
    let connection = servers.connection(vertex.name)
    let kind = server.kind
    func mismatch(_ expected: String) -> ValidationFailure {
      ValidationFailure("vertex \(vertex.name): the manifest makes it \(expected), but its server is a \(kind) server")
    }
    switch udf.window {
    case nil:
      guard let mode = MapStep.Kind(rawValue: kind) else { throw mismatch("a map vertex (no groupBy)") }
      return MapStep(
        name: vertex.name, kind: mode, connection: connection, batchSize: vertex.readBatchSize,
        maxAttempts: options.maxAttempts, ledger: ledger)
    case .fixed(let length):
      guard kind == "reduce" || kind == "reducestream" else { throw mismatch("a reduce vertex (fixed window)") }
      return AlignedReduceStep(
        name: vertex.name, connection: connection, windowing: .fixed(length), upstreams: upstreams, ledger: ledger)
    case .sliding(let length, let slide):
      guard kind == "reduce" || kind == "reducestream" else { throw mismatch("a reduce vertex (sliding window)") }
      return AlignedReduceStep(
        name: vertex.name, connection: connection, windowing: .sliding(length: length, slide: slide),
        upstreams: upstreams,
        ledger: ledger)
    case .session(let timeout):
      guard kind == "session" else { throw mismatch("a session reduce vertex") }
      return UnalignedReduceStep.session(
        name: vertex.name, connection: connection, gap: timeout, upstreams: upstreams, ledger: ledger)
    case .accumulator(let timeout):
      guard kind == "accumulator" else { throw mismatch("an accumulator vertex") }
      return UnalignedReduceStep.accumulator(
        name: vertex.name, connection: connection, timeout: timeout, upstreams: upstreams, ledger: ledger)
    }
  }

  /// Runs the pipeline to the end of its input, or to a restart of the user-defined sources;
  /// `streams` are their open streams, by vertex. After a restart, call it again with new ones:
  /// it goes on where it stopped.
  func run(streams: [String: SourceStreams]) async throws -> Progress {
    var active: [(name: String, feed: any SourceFeed, batchSize: Int)]
    if let current = self.active {
      active = current
      for source in active { (source.feed as? UserSourceFeed)?.restarted(streams: streams[source.name]!) }
    } else {
      try await sideInputs.start()
      active = try spec.vertices.compactMap { vertex in
        guard case .source(let source) = vertex.role else { return nil }
        return (vertex.name, try feed(vertex.name, source, streams: streams), vertex.readBatchSize)
      }
    }
    while !active.isEmpty {
      try Task.checkCancellation()
      var stillActive: [(name: String, feed: any SourceFeed, batchSize: Int)] = []
      for (index, source) in active.enumerated() {
        let batch = try await source.feed.read(count: source.batchSize)
        guard !batch.isEmpty else { continue }
        reads[source.name, default: 0] += 1
        let restart =
          source.feed is UserSourceFeed && options.restartSourcesEvery.map { reads[source.name]! % $0 == 0 } == true
        try await carry(batch, from: source.name, feed: source.feed, acking: !restart)
        try await sideInputs.refreshIfDue()
        stillActive.append(source)
        if restart {
          log("\(source.name): its streams end before read \(reads[source.name]!) is acked, as when numa restarts")
          self.active = stillActive + active[(index + 1)...]
          return .restartSources
        }
      }
      active = stillActive
    }
    self.active = []
    for vertex in order {
      guard let step = steps[vertex] else { continue }
      try await forward(try await step.finish(), from: vertex)
    }
    return .finished
  }

  private func feed(_ name: String, _ source: PipelineSpec.Source, streams: [String: SourceStreams]) throws
    -> any SourceFeed
  {
    if let records = options.inputs[name] {
      return RecordFeed(vertex: name, records: records, maxDeliveries: options.maxAttempts)
    }
    switch source.kind {
    case .generator(let generator):
      return GeneratorFeed(
        vertex: name, spec: generator, start: options.startTime, total: options.messages,
        maxDeliveries: options.maxAttempts)
    case .userDefined:
      return UserSourceFeed(
        vertex: name, streams: streams[name]!, client: SourceTestClient(servers.connection(name)),
        total: options.messages)
    case .external(let kind):
      throw ValidationFailure("vertex \(name) is a \(kind) source: give its data with --input \(name)=FILE")
    }
  }

  /// One source batch through the pipeline, then its acks and nacks (unless the source is about
  /// to restart: then neither reaches it).
  private func carry(
    _ batch: [PipelineMessage], from source: String, feed: any SourceFeed, acking: Bool
  ) async throws {
    ledger.counts[source, default: VertexCounts()].read += batch.count
    var messages = try await transformers[source]?.transform(batch) ?? batch
    // numa's source watermark: the lowest event time of the read, never going back.
    if let lowest = messages.map(\.eventTime).min() {
      let candidate = lowest - spec.watermarkMaxDelay.timeInterval
      sourceWatermarks[source] = max(sourceWatermarks[source] ?? .distantPast, candidate)
    }
    let watermark = sourceWatermarks[source] ?? .distantPast
    for index in messages.indices { messages[index].watermark = watermark }
    try await forward(messages, from: source)
    let origins = batch.map(\.origin)
    guard acking else {
      ledger.nacked.removeAll()
      return
    }
    let nacked = origins.filter { ledger.nacked.contains($0) }
    let acked = origins.filter { !ledger.nacked.contains($0) }
    ledger.nacked.removeAll()
    try await feed.nack(nacked)
    try await feed.ack(acked)
    ledger.counts[source, default: VertexCounts()].acked += acked.count
    ledger.counts[source, default: VertexCounts()].nacked += nacked.count
  }

  /// Writes `messages` on from `vertex` along every edge that admits them.
  private func forward(_ messages: [PipelineMessage], from vertex: String) async throws {
    guard !messages.isEmpty else { return }
    // A sink counts what it wrote itself: some of what reaches it fails or goes elsewhere.
    if !(steps[vertex] is SinkStep) { ledger.counts[vertex, default: VertexCounts()].written += messages.count }
    for edge in spec.edges where edge.from == vertex {
      let admitted = messages.filter { edge.forwards(tags: $0.tags) }
      guard !admitted.isEmpty, let step = steps[edge.to] else { continue }
      ledger.counts[edge.to, default: VertexCounts()].read += admitted.count
      try await forward(try await step.process(admitted, from: vertex), from: edge.to)
    }
  }
}
