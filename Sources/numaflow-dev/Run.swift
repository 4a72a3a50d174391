import ArgumentParser
import Foundation
import NumaflowCore
import NumaflowDevKit
import NumaflowTesting

extension NumaflowDev {
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start a UDF server, feed it JSON-lines records as numa would, print its outputs.",
      discussion: """
        Input: one record per line, {"keys":[...],"value":"...","event_time":"...","headers":{...}} \
        ("value_base64" instead of "value" for binary payloads; event_time defaults to now). \
        Output: one JSON line per output message, in input order, tagged with its input's line \
        number among the records ("input", from 0).

        Example:
          numaflow-dev run map --input Examples/map-even-odd/input.jsonl \\
            -- .build/debug/map-even-odd
          numaflow-dev run source --count 10 -- .build/debug/source-simple
          numaflow-dev run sink --input Examples/sink-log/input.jsonl \\
            -- .build/debug/sink-log
          numaflow-dev run reduce --window fixed:60s \\
            --input Examples/reduce-counter/input.jsonl -- .build/debug/reduce-counter
          numaflow-dev run sideinput --count 4 -- .build/debug/sideinput-simple
          numaflow-dev run serving --input Examples/serving-in-memory/input.jsonl \\
            -- .build/debug/serving-in-memory

        Kinds:

        """ + UDFKind.all.map { "  \($0.name): \($0.runs)" }.joined(separator: "\n")
    )

    @Argument(help: "The kind of UDF.")
    var kind: UDFKind

    @Option(help: "JSON-lines input file, or - for standard input (every kind but source).")
    var input: String?

    @OptionGroup var source: SourceOptions

    @OptionGroup var sink: SinkOptions

    @OptionGroup var window: WindowOptions

    @OptionGroup var retry: RetryOptions

    @OptionGroup var runDirectory: RunDirectoryOption

    @Flag(
      help: """
        Print the spans the server made as a tree, on stderr: numaflow-dev sends numa's trace \
        context to the kinds numa sends it to (map, mapstream, batchmap, sink), and the server \
        records its spans in memory (every process, in multiprocess mode).
        """)
    var trace = false

    @Argument(parsing: .postTerminator, help: "The server binary and its arguments, after --.")
    var server: [String] = []

    func validate() throws {
      if kind.input != .none && input == nil {
        throw ValidationError("\(kind) needs input lines: give --input FILE (or - for standard input)")
      }
    }

    func run() async throws {
      var runInput = RunInput(records: [], source: source)
      runInput.windowing = window.window.windowing
      runInput.sessionGap = window.window.sessionGap
      runInput.accumulatorTimeout = WindowSpec.duration(window.accumulatorTimeout) ?? .seconds(10)
      runInput.retry = try retry.strategy
      runInput.maxAttempts = retry.maxAttempts
      switch (kind.input, input) {
      case (.records, let path?): runInput.records = try await InputRecord.read(path)
      case (.servingCalls, let path?): runInput.servingCalls = try await ServingCall.read(path)
      default: break
      }
      var numaParents: [String: Int] = [:]
      var environment: [String: String] = [:]
      let traceDirectory = trace ? try makeTemporaryDirectory(prefix: "numaflow-dev-trace") : nil
      if let traceDirectory {
        environment[DevelopmentTrace.directoryVariable] = traceDirectory
        if SpanTree.tracedKinds.contains(kind.name) {
          let (_, parents) = SpanTree.traceparents(count: runInput.records.count)
          runInput.traceparents = parents
          for (index, parent) in parents.enumerated() { numaParents[String(parent.split(separator: "-")[2])] = index }
        }
      }
      let isSink = kind.name == UDFKind.sink.name
      let session = try await ServerSession.start(
        command: server, kind: kind, endpoint: isSink ? sink.role.endpoint : nil,
        containerType: isSink ? sink.role.containerType : nil, runDirectory: runDirectory.runDir,
        environment: environment, log: log)
      defer { if let traceDirectory { printTrace(from: traceDirectory, numaParents: numaParents) } }
      let outputs: [OutputRecord]
      do {
        outputs = try await kind.run(runInput, session.socketPath)
      } catch let lost as LostOffsets {
        for output in lost.lines { print(output.line) }
        let status = await session.process.stop()
        log(
          "the source lost \(lost.report.lost.count) offsets: numa would never see them again "
            + "(a hand-written Sourcer must deliver again what numa let go of: see DeliveryLedger)")
        log("server exited with status \(status)")
        throw ExitCode.failure
      } catch {
        let status = await session.process.stop()
        log("the server failed: \(error)")
        log("server exited with status \(status)")
        throw ExitCode.failure
      }
      for output in outputs {
        print(output.line)
      }
      let status = await session.process.stop()
      let inputs = runInput.records.count + runInput.servingCalls.count
      log("\(inputs) lines in, \(outputs.count) lines out; server exited with status \(status)")
      if status != 0 { throw ExitCode(status) }
    }

    /// The spans every process of the server wrote when it stopped.
    private func printTrace(from directory: String, numaParents: [String: Int]) {
      do {
        let tree = try SpanTree(directory: directory)
        if tree.spans.isEmpty {
          log(
            "trace: the server recorded no spans: it bootstraps a tracer of its own (its spans go where that "
              + "tracer sends them), or its kind has no span")
        } else {
          log("trace: \(tree.spans.count) spans")
        }
        for line in tree.render(numaParents: numaParents) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        try? FileManager.default.removeItem(atPath: directory)
      } catch {
        log("trace: could not read the server's spans in \(directory): \(error)")
      }
    }
  }
}
