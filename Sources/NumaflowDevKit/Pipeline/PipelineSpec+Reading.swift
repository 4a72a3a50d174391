import Foundation
import Yams

extension PipelineSpec {
  /// Reads a `Pipeline` manifest (the first document of that kind in `yaml`), or the pipeline of
  /// a `ServingPipeline` with its store, noting every field it does not model.
  package init(yaml: String) throws {
    var documents: [Node] = []
    do {
      // Parser, not compose_all: its sequence stops quietly at a syntax error.
      let parser = try Parser(yaml: yaml)
      while let document = try parser.nextRoot() { documents.append(document) }
    } catch {
      throw ValidationFailure("the manifest is not valid YAML: \(error)")
    }
    let kinds = ["Pipeline", "ServingPipeline"]
    guard let document = documents.first(where: { kinds.contains($0["kind"]?.string ?? "") }),
      case .mapping(let mapping) = document
    else {
      throw ValidationFailure("the manifest has no document of kind Pipeline or ServingPipeline")
    }
    let fields = ManifestFields()
    let root = ManifestNode(mapping: mapping, path: "", fields: fields)
    _ = try root.string("apiVersion")
    let isServing = try root.string("kind") == "ServingPipeline"
    guard var spec = try root.map("spec") else { throw ValidationFailure("the manifest has no spec") }
    name = try root.map("metadata")?.string("name") ?? "pipeline"
    root.readWhole("metadata")
    if isServing {
      guard let serving = try spec.map("serving"), let store = try serving.map("store")?.map("container") else {
        throw ValidationFailure("spec.serving.store.container is missing: the ServingPipeline has no store")
      }
      servingStore = try Self.container(store)
      servingIDHeader = try serving.string("msgIDHeaderKey") ?? servingIDHeader
      serving.ignore("service", because: "no HTTP service: the serving source's data comes from --input")
      serving.ignore("requestTimeoutSeconds", because: "no HTTP service")
      serving.ignore("ports", because: "no HTTP service")
      guard let pipeline = try spec.map("pipeline") else { throw ValidationFailure("spec.pipeline is missing") }
      spec = pipeline
    }

    let limits = try spec.map("limits")
    let defaultBatch = try limits?.int("readBatchSize") ?? 500
    limits?.ignore("bufferMaxLength", because: "no inter-step buffer: each batch goes through every vertex in turn")
    limits?.ignore("bufferUsageLimit", because: "no inter-step buffer")
    limits?.ignore("readTimeout", because: "reads end when the input does")
    if let watermark = try spec.map("watermark") {
      watermarkMaxDelay = try watermark.duration("maxDelay") ?? .zero
      if try watermark.bool("disabled") == true {
        throw ValidationFailure("spec.watermark.disabled: numaflow-dev closes windows by watermark and needs it on")
      }
      watermark.ignore("idleSource", because: "the input ends instead of idling: every window closes at its end")
    }
    spec.ignore("lifecycle", because: "a run starts, drains its input and stops")
    spec.ignore("templates", because: "pod templates have no meaning for local processes")
    spec.ignore("interStepBuffer", because: "no inter-step buffer")

    vertices = try spec.list("vertices").map { try Self.vertex($0, defaultBatch: defaultBatch) }
    edges = try spec.list("edges").map(Self.edge)
    sideInputs = try spec.list("sideInputs").map(Self.sideInput)
    try check()
    ignored = fields.ignored
    unmodeled = fields.unread(in: document, path: "")
  }

  private func check() throws {
    var names = Set<String>()
    for vertex in vertices where !names.insert(vertex.name).inserted {
      throw ValidationFailure("two vertices are named \(vertex.name)")
    }
    for edge in edges {
      for end in [edge.from, edge.to] where !names.contains(end) {
        throw ValidationFailure("an edge names vertex \(end), which spec.vertices does not have")
      }
    }
    let sideInputNames = Set(sideInputs.map(\.name))
    for vertex in vertices {
      for name in vertex.sideInputs where !sideInputNames.contains(name) {
        throw ValidationFailure("vertex \(vertex.name) reads side input \(name), which spec.sideInputs does not have")
      }
    }
    _ = try topologicalOrder
  }

  private static func vertex(_ node: ManifestNode, defaultBatch: Int) throws -> Vertex {
    let name = try node.required("name")
    let role: Vertex.Role
    switch (try node.map("source"), try node.map("udf"), try node.map("sink")) {
    case (let source?, nil, nil): role = .source(try Self.source(source))
    case (nil, let udf?, nil): role = .udf(try Self.udf(udf))
    case (nil, nil, let sink?): role = .sink(try Self.sink(sink))
    default:
      throw ValidationFailure("\(node.path) must have exactly one of source, udf and sink")
    }
    var vertex = Vertex(name: name, role: role)
    vertex.sideInputs = try node.strings("sideInputs") ?? []
    let limits = try node.map("limits")
    vertex.readBatchSize = try limits?.int("readBatchSize") ?? defaultBatch
    guard vertex.readBatchSize > 0 else {
      throw ValidationFailure("\(node.path).limits.readBatchSize must be positive")
    }
    limits?.ignore("bufferMaxLength", because: "no inter-step buffer")
    limits?.ignore("bufferUsageLimit", because: "no inter-step buffer")
    limits?.ignore("readTimeout", because: "reads end when the input does")
    node.ignore("scale", because: "one replica of each vertex runs locally")
    node.ignore("partitions", because: "one partition per vertex locally")
    for key in ["containerTemplate", "initContainerTemplate", "metadata", "volumes", "sidecars", "initContainers"] {
      node.ignore(key, because: "pod settings have no meaning for local processes")
    }
    return vertex
  }

  private static func source(_ node: ManifestNode) throws -> Source {
    var kind: Source.Kind?
    if let generator = try node.map("generator") { kind = .generator(try Self.generator(generator)) }
    if let udsource = try node.map("udsource") {
      guard let container = try udsource.map("container") else {
        throw ValidationFailure("\(udsource.path).container is missing")
      }
      kind = .userDefined(try Self.container(container))
    }
    for external in ["http", "kafka", "nats", "jetstream", "pulsar", "sqs", "serving", "redisStreams"] {
      if node.has(external) {
        node.readWhole(external)
        kind = .external(external)
      }
    }
    guard let kind else { throw ValidationFailure("\(node.path) names no source numaflow-dev knows") }
    let transformer = try node.map("transformer")?.map("container").map(Self.container)
    return Source(kind: kind, transformer: transformer)
  }

  private static func generator(_ node: ManifestNode) throws -> Generator {
    var generator = Generator()
    generator.rpu = try node.int("rpu") ?? generator.rpu
    generator.duration = try node.duration("duration") ?? generator.duration
    generator.msgSize = try node.int("msgSize") ?? generator.msgSize
    generator.keyCount = try node.int("keyCount") ?? 0
    generator.value = try node.int("value").map(Int64.init)
    generator.jitter = try node.duration("jitter") ?? .zero
    if let blob = try node.string("valueBlob") {
      guard let data = Data(base64Encoded: blob) else {
        throw ValidationFailure("\(node.child("valueBlob")) is not valid base64")
      }
      generator.valueBlob = data
    }
    guard generator.rpu > 0, generator.duration > .zero else {
      throw ValidationFailure("\(node.path): rpu and duration must be positive")
    }
    return generator
  }

  private static func udf(_ node: ManifestNode) throws -> UDF {
    var udf: UDF
    if let builtin = try node.map("builtin") {
      // cat passes every message on unchanged; the other built-ins are not modeled.
      guard try builtin.string("name") == "cat" else {
        throw ValidationFailure(
          "\(builtin.path): numaflow-dev models the built-in cat only (give the vertex a container)")
      }
      udf = UDF(container: nil)
    } else {
      guard let container = try node.map("container") else {
        throw ValidationFailure("\(node.path).container is missing")
      }
      udf = UDF(container: try Self.container(container))
    }
    if let groupBy = try node.map("groupBy") {
      guard let window = try groupBy.map("window") else { throw ValidationFailure("\(groupBy.path).window is missing") }
      _ = try groupBy.bool("keyed")  // one partition locally: keys reach the reducer as they are
      groupBy.ignore("storage", because: "windows live in memory for the length of a run")
      if let fixed = try window.map("fixed") {
        udf.window = .fixed(length: try positive(fixed, "length"))
        _ = try fixed.bool("streaming")
      } else if let sliding = try window.map("sliding") {
        udf.window = .sliding(length: try positive(sliding, "length"), slide: try positive(sliding, "slide"))
        _ = try sliding.bool("streaming")
      } else if let session = try window.map("session") {
        udf.window = .session(timeout: try positive(session, "timeout"))
      } else if let accumulator = try window.map("accumulator") {
        udf.window = .accumulator(timeout: try positive(accumulator, "timeout"))
      } else {
        throw ValidationFailure("\(window.path) must be fixed, sliding, session or accumulator")
      }
    }
    return udf
  }

  private static func positive(_ node: ManifestNode, _ key: String) throws -> Duration {
    guard let duration = try node.duration(key), duration > .zero else {
      throw ValidationFailure("\(node.child(key)) must be a positive duration")
    }
    return duration
  }

  private static func sink(_ node: ManifestNode) throws -> Sink {
    guard let primary = try sinkTarget(node) else { throw ValidationFailure("\(node.path) names no sink") }
    var sink = Sink(primary: primary)
    sink.fallback = try node.map("fallback").flatMap(sinkTarget)
    sink.onSuccess = try node.map("onSuccess").flatMap(sinkTarget)
    if let strategy = try node.map("retryStrategy") {
      if let backoff = try strategy.map("backoff") {
        sink.retry.interval = try backoff.duration("interval") ?? sink.retry.interval
        sink.retry.steps = try backoff.int("steps")
        sink.retry.factor = try backoff.double("factor") ?? 1
        sink.retry.cap = try backoff.duration("cap")
        sink.retry.jitter = try backoff.double("jitter") ?? 0
      }
      if let text = try strategy.string("onFailure") {
        guard let onFailure = RetryStrategy.OnFailure(rawValue: text) else {
          throw ValidationFailure("\(strategy.child("onFailure")) must be retry, fallback or drop")
        }
        sink.retry.onFailure = onFailure
      }
    }
    return sink
  }

  private static func sinkTarget(_ node: ManifestNode) throws -> SinkTarget? {
    if node.has("log") {
      node.readWhole("log")
      return .log
    }
    if node.has("blackhole") {
      node.readWhole("blackhole")
      return .blackhole
    }
    if node.has("serve") {
      node.readWhole("serve")
      return .serve
    }
    if let udsink = try node.map("udsink") {
      guard let container = try udsink.map("container") else {
        throw ValidationFailure("\(udsink.path).container is missing")
      }
      return .userDefined(try Self.container(container))
    }
    return nil
  }

  private static func container(_ node: ManifestNode) throws -> Container {
    var container = Container(image: try node.required("image"))
    container.args = try node.strings("args") ?? []
    container.command = try node.strings("command") ?? []
    for variable in try node.list("env") {
      container.environment[try variable.required("name")] = try variable.string("value") ?? ""
      variable.ignore("valueFrom", because: "secrets and config maps are not read locally: set the variable yourself")
    }
    for key in ["imagePullPolicy", "resources", "securityContext", "volumeMounts", "livenessProbe", "readinessProbe"] {
      node.ignore(key, because: "a local process has no use for it")
    }
    return container
  }

  private static func edge(_ node: ManifestNode) throws -> Edge {
    var edge = Edge(from: try node.required("from"), to: try node.required("to"))
    if let tags = try node.map("conditions")?.map("tags") {
      let text = try tags.string("operator") ?? "or"
      guard let match = TagCondition.Operator(rawValue: text) else {
        throw ValidationFailure("\(tags.child("operator")): '\(text)' must be or, and or not")
      }
      edge.condition = TagCondition(match: match, values: try tags.strings("values") ?? [])
    }
    node.ignore("onFull", because: "no inter-step buffer fills up locally")
    return edge
  }

  private static func sideInput(_ node: ManifestNode) throws -> SideInput {
    guard let container = try node.map("container") else {
      throw ValidationFailure("\(node.path).container is missing")
    }
    let trigger = try node.map("trigger")
    trigger?.ignore("timezone", because: "schedules run in local time")
    let schedule = try trigger?.string("schedule").map { text in
      guard let schedule = CronSchedule(text) else {
        throw ValidationFailure(
          "\(trigger!.child("schedule")): '\(text)' is not a schedule such as '0 */2 * * * *' or '@every 30s'")
      }
      return schedule
    }
    return SideInput(name: try node.required("name"), container: try Self.container(container), schedule: schedule)
  }
}
