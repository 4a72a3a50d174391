import ArgumentParser
import Foundation
import NumaflowMapper
import NumaflowTesting

extension NumaflowDev {
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start a UDF server, feed it JSON-lines records as numa would, print its outputs.",
      discussion: """
        Input: one record per line, {"keys":[...],"value":"...","event_time":"...","headers":{...}}
        ("value_base64" instead of "value" for binary payloads; event_time defaults to now).
        Output: one JSON line per output message, in input order, tagged with its input's line
        number among the records ("input", from 0).

        Example:
          numaflow-dev run map --input Examples/map-even-odd/input.jsonl -- .build/debug/map-even-odd
        """
    )

    @Argument(help: "The kind of UDF: map.")
    var kind: String

    @Option(help: "JSON-lines input file, or - for standard input.")
    var input: String

    @Argument(parsing: .postTerminator, help: "The server binary and its arguments, after --.")
    var server: [String] = []

    func run() async throws {
      guard kind == "map" else {
        throw ValidationError("unknown kind '\(kind)': numaflow-dev run supports map")
      }
      let datums = try InputRecord.read(input)
      let session = try await ServerSession.start(command: server, containerType: "mapper", log: log)
      let outputs: [[Message]]
      do {
        outputs = try await MapTestClient(socketPath: session.socketPath).map(datums)
      } catch {
        let status = await session.process.stop()
        log("the server failed: \(error)")
        log("server exited with status \(status)")
        throw ExitCode.failure
      }
      for (index, messages) in outputs.enumerated() {
        for message in messages {
          print(OutputRecord(input: index, message: message).line)
        }
      }
      let status = await session.process.stop()
      log("\(datums.count) records in, \(outputs.map(\.count).reduce(0, +)) messages out; server exited with status \(status)")
      if status != 0 { throw ExitCode(status) }
    }
  }
}
