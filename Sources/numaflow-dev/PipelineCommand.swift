import ArgumentParser
import Foundation
import NumaflowDevKit
import NumaflowTesting

extension NumaflowDev {
  /// `numaflow-dev pipeline ...`: whole pipelines.
  struct Pipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a whole Pipeline manifest locally, numa's part played at every vertex.",
      subcommands: [PipelineRun.self])
  }

  struct PipelineRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Start every user container of a Pipeline manifest and move data between them as numa does.",
      discussion: """
        Each container runs as a local process: the command given with --udf CONTAINER=COMMAND, or \
        the binary the image names (numaflow-swift/<name>:tag runs <bin-dir>/<name>), followed by \
        the container's args. CONTAINER is a vertex's name (its UDF, user-defined source or \
        primary sink), VERTEX/transformer, VERTEX/fallback, VERTEX/onSuccess, or a side input's \
        name. Servers must take NUMAFLOW_SWIFT_RUN_DIR (every server of this SDK does): each gets \
        its own socket directory.

        Sources read a batch of readBatchSize at a time; each batch goes through every vertex \
        before the next is read, its source messages are then acked (or nacked back to the \
        source), and the source's watermark is the lowest event time of its reads so far. Reduce \
        windows close as the watermark passes their end, and all at the end of the input; \
        session and accumulator windows close at the end. Sinks' outputs are printed as JSON \
        lines naming their sink vertex; a table per vertex goes to stderr at the end.

        Example:
          swift build --product map-even-odd --product numaflow-dev
          numaflow-dev pipeline run Examples/map-even-odd/manifests/pipeline.yaml \\
            --input in=Examples/map-even-odd/input.jsonl
        """)

    @Argument(help: "The Pipeline manifest (YAML).")
    var manifest: String

    @Option(
      name: .customLong("udf"),
      help: ArgumentHelp(
        "CONTAINER=COMMAND: the command of a container, split on spaces.", valueName: "container=command"))
    var commands: [String] = []

    @Option(
      name: .customLong("env"),
      help: ArgumentHelp(
        "CONTAINER:NAME=VALUE: an environment variable for a container, over the manifest's.",
        valueName: "container:name=value"))
    var variables: [String] = []

    @Option(
      name: .customLong("run-dir"),
      help: ArgumentHelp(
        "CONTAINER=DIR: a container's socket directory, for a server of another SDK (DIR is then "
          + "/var/run/numaflow, so one such server at a time).",
        valueName: "container=dir"))
    var runDirectories: [String] = []

    @Option(
      name: .customLong("input"),
      help: ArgumentHelp(
        "VERTEX=FILE: a source vertex's data, as JSON lines in the format numaflow-dev run reads.",
        valueName: "vertex=file"))
    var inputs: [String] = []

    @Option(help: "Write each sink vertex's lines to DIR/<vertex>.jsonl instead of stdout.")
    var out: String?

    @Option(help: "How many messages each generator or user-defined source gives before the run ends.")
    var messages = 1000

    @Option(
      help: ArgumentHelp(
        "The time the run starts at (RFC 3339): the generator's clock, and the event time of --input records "
          + "without one (this time plus 1 ms per line). Default: now."))
    var startTime: String?

    @Option(
      help: ArgumentHelp(
        "End each user-defined source's streams after every N reads, before the Nth is acked, and open new ones, "
          + "as a restart of numa does: what was read and not acked must come again.",
        valueName: "N"))
    var restartSourcesEvery: Int?

    @Flag(help: "Call each side input's retriever once, before the data moves, instead of on its schedule.")
    var sideInputsOnce = false

    @Option(help: "A failing UDF input or sink message: give up after this many attempts (numa retries forever).")
    var maxAttempts = 100

    @Option(help: "Where images of this repository's examples are found (default: numaflow-dev's own directory).")
    var binDir: String?

    func run() async throws {
      let text: String
      do {
        text = try String(contentsOfFile: manifest, encoding: .utf8)
      } catch {
        throw ValidationFailure("cannot read the manifest \(manifest): \((error as NSError).localizedDescription)")
      }
      let spec = try PipelineSpec(yaml: text)
      let start = try startTime.map { try InputRecord.date($0, line: 0) } ?? Date()
      log("pipeline \(spec.name): \(spec.vertices.count) vertices, \(spec.edges.count) edges")
      for note in spec.ignored { log("ignored: \(note)") }
      for path in spec.unmodeled { log("not modeled: \(path)") }

      var options = PipelineEngine.Options()
      (options.messages, options.startTime, options.maxAttempts, options.sideInputsOnce) =
        (messages, start, maxAttempts, sideInputsOnce)
      options.restartSourcesEvery = restartSourcesEvery
      for (vertex, path) in try pairs(inputs, "--input") {
        guard case .source = spec.vertex(named: vertex)?.role else {
          throw ValidationFailure("--input \(vertex)=...: the manifest has no source vertex \(vertex)")
        }
        let data = try await InputFile.contents(of: path)
        options.inputs[vertex] = try InputRecord.parse(data) { start.addingTimeInterval(Double($0) / 1000) }
      }
      var commands = PipelineServers.Commands(
        given: try pairs(self.commands, "--udf").mapValues { $0.split(separator: " ").map(String.init) },
        binDirectory: binDir ?? Self.ownDirectory)
      commands.runDirectories = try pairs(runDirectories, "--run-dir")
      for variable in variables {
        let parts = variable.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let (name, value) = try pairs([parts[1]], "--env").first else {
          throw ValidationError("--env takes CONTAINER:NAME=VALUE, not '\(variable)'")
        }
        commands.environment[parts[0], default: [:]][name] = value
      }

      let servers = try await PipelineServers.start(spec, commands: commands)
      let began = ContinuousClock.now
      let outcome: RunOutcome
      do {
        let (out, options) = (self.out, options)
        outcome = try await servers.withConnections { servers in
          let writer = try SinkLineWriter(directory: out)
          defer { writer.close() }
          let ledger = RunLedger(emit: writer.write)
          do {
            // The engine goes into each opening of the sources' streams in turn, and only there.
            let engine = Unshared(try PipelineEngine(spec: spec, servers: servers, options: options, ledger: ledger))
            let replaced = Set(options.inputs.keys)
            while try await Self.withSourceStreams(
              spec: spec, servers: servers, except: replaced,
              { streams in
                try await engine.value.run(streams: streams) == .restartSources
              })
            {}
            return RunOutcome(counts: ledger.counts, lines: ledger.lines.count, failure: nil)
          } catch {
            return RunOutcome(counts: ledger.counts, lines: ledger.lines.count, failure: "\(error)")
          }
        }
      } catch {
        outcome = RunOutcome(counts: [:], lines: 0, failure: "\(error)")
      }
      let elapsed = ContinuousClock.now - began
      let statuses = await servers.stop()
      for line in VertexCounts.table(outcome.counts, order: try spec.topologicalOrder) { log(line) }
      let failedServers = statuses.filter { $0.value != 0 }.sorted { $0.key < $1.key }
      for (name, status) in failedServers { log("\(name) exited with status \(status)") }
      if let failure = outcome.failure {
        log("the run failed: \(failure)")
        throw ExitCode.failure
      }
      let read = outcome.counts.filter { name, _ in
        if case .source = spec.vertex(named: name)?.role { true } else { false }
      }.values.map(\.read).reduce(0, +)
      let seconds = max(elapsed.timeInterval, 1e-6)
      let cpu = CPUTime.now
      log(
        "\(outcome.lines) lines out in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds]))): "
          + "\(Int(Double(read) / seconds)) source messages/s; CPU: numaflow-dev \(cpu.formatted(cpu.own)) s, "
          + "the servers \(cpu.formatted(cpu.children)) s")
      if !failedServers.isEmpty { throw ExitCode.failure }
    }

    /// What a run did, for the end of the command.
    struct RunOutcome: Sendable {
      var counts: [String: VertexCounts]
      var lines: Int
      var failure: String?
    }

    func validate() throws {
      for (values, flag) in [(commands, "--udf"), (inputs, "--input"), (runDirectories, "--run-dir")] {
        _ = try pairs(values, flag)
      }
      for variable in variables where variable.split(separator: ":", maxSplits: 1).count != 2 {
        throw ValidationError("--env takes CONTAINER:NAME=VALUE, not '\(variable)'")
      }
      guard messages > 0, maxAttempts > 0, (restartSourcesEvery ?? 1) > 0 else {
        throw ValidationError("--messages, --max-attempts and --restart-sources-every must be positive")
      }
    }

    /// `KEY=VALUE` options as a dictionary; a key given twice is an error.
    private func pairs(_ values: [String], _ flag: String) throws -> [String: String] {
      var result: [String: String] = [:]
      for value in values {
        let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
          throw ValidationError("\(flag) takes NAME=VALUE, not '\(value)'")
        }
        guard result.updateValue(parts[1], forKey: parts[0]) == nil else {
          throw ValidationError("\(flag) \(parts[0]) is given twice")
        }
      }
      return result
    }

    /// The directory of this executable: where `swift build` puts the examples too.
    static var ownDirectory: String {
      let path = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      return path.deletingLastPathComponent().path
    }

    /// Opens the read and ack streams of every user-defined source (but those replaced by
    /// `--input`), one inside the other, and runs `body` with them.
    static func withSourceStreams(
      spec: PipelineSpec, servers: PipelineServers, except replaced: Set<String>,
      _ body: @Sendable @escaping ([String: SourceStreams]) async throws -> Bool
    ) async throws -> Bool {
      let sources = spec.vertices.compactMap { vertex -> String? in
        guard case .source(let source) = vertex.role, case .userDefined = source.kind,
          !replaced.contains(vertex.name)
        else { return nil }
        return vertex.name
      }
      return try await open(sources[...], opened: [:])

      @Sendable func open(_ remaining: ArraySlice<String>, opened: [String: SourceStreams]) async throws -> Bool {
        guard let name = remaining.first else { return try await body(opened) }
        return try await SourceTestClient(servers.connection(name)).streams { streams in
          var next = opened
          next[name] = streams
          return try await open(remaining.dropFirst(), opened: next)
        }
      }
    }
  }
}
