import ArgumentParser
import Foundation
import GRPCCore
import NumaflowDevKit

extension NumaflowDev {
  struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure a server's throughput, CPU per message and memory, driving one stream as numa does.",
      discussion: """
        Starts the server given after -- (or uses one already listening on --socket, whose CPU \
        and memory are read from --server-pid), warms it up, then keeps --window requests in \
        flight until --count have been answered. Prints one JSON line: the server's CPU per \
        message, the sum of its processes' peak RSS (workers included), and the peak of their \
        PSS, which counts the pages they share (the binary's code) once, as a pod is charged \
        (sampled every 20 ms).
        """
    )

    @Argument(help: "The kind of UDF.")
    var kind: UDFKind

    @Option(help: "Payload size in bytes.")
    var payloadSize = 100

    @Option(help: "Requests measured.")
    var count = 20_000

    @Option(help: "Requests sent before measuring.")
    var warmup = 2_000

    @Option(
      help:
        "Requests in flight at once (numa's concurrency); for batchmap, the batch size; for sideinput and serving, calls at once."
    )
    var window = 500

    @Option(help: "reduce, reducestream, session, accumulator: how many keys the messages are spread over.")
    var keys = 1

    @Flag(
      help:
        "Send requests shaped as numa sends them (a watermark, headers, metadata) to a map kind, transformer, sink or windowed kind."
    )
    var numaShaped = false

    @Option(help: "A label for the result line.")
    var label = "server"

    @Option(help: "Connect to a server already listening on this Unix socket.")
    var socket: String?

    @Option(help: "With --socket: the server's pid, to measure its CPU and memory.")
    var serverPID: Int32?

    @OptionGroup var runDirectory: RunDirectoryOption

    @Argument(parsing: .postTerminator, help: "The server binary and its arguments, after --.")
    var server: [String] = []

    func validate() throws {
      guard count > 0, warmup >= 0, window > 0 else {
        throw ValidationError("--count and --window must be at least 1, --warmup at least 0")
      }
    }

    func run() async throws {
      let session: ServerSession?
      let socketPath: String
      let pid: Int32?
      if let socket {
        session = nil
        socketPath = socket
        pid = serverPID
      } else {
        let started = try await ServerSession.start(
          command: server, kind: kind, runDirectory: runDirectory.runDir, log: log)
        session = started
        socketPath = started.socketPath
        pid = started.process.pid
      }

      do {
        let line = try await measure(socketPath: socketPath, pid: pid)
        if let session { _ = await session.process.stop() }
        print(line)
      } catch {
        if let session { _ = await session.process.stop() }
        log("the benchmark failed: \(error)")
        var cause = (error as? RPCError)?.cause
        while let underlying = cause {
          log("  caused by: \(String(reflecting: underlying))")
          cause = (underlying as? RPCError)?.cause
        }
        throw ExitCode.failure
      }
    }

    /// Warms up, then measures; returns the result as a JSON line.
    private func measure(socketPath: String, pid: Int32?) async throws -> String {
      let payload = BenchPayload(value: Data(repeating: UInt8(ascii: "x"), count: payloadSize), numaShaped: numaShaped)
      let drive = kind.drive
      // A drive of no requests would wait for an answer that never comes.
      if warmup > 0 { _ = try await drive(socketPath, warmup, window, payload, keys) }

      let cpuBefore = pid.map(CPUUsage.seconds(ofTree:)) ?? 0
      let start = ContinuousClock.now
      let (results, pss) = try await Memory.sampling(peakProportionalMegabytesOf: pid) {
        try await drive(socketPath, count, window, payload, keys)
      }
      let elapsed = ContinuousClock.now - start
      let cpuAfter = pid.map(CPUUsage.seconds(ofTree:)) ?? 0
      let rss = pid.map(Memory.peakResidentMegabytes(ofTree:)) ?? 0

      guard results == count else {
        throw ValidationFailure("expected \(count) results, got \(results)")
      }
      let seconds = elapsed.timeInterval
      let line: [String: Any] = [
        "label": label,
        "keys": keys,
        "payload_size": payloadSize,
        "numa_shaped": numaShaped,
        "count": count,
        "window": window,
        "seconds": (seconds * 1000).rounded() / 1000,
        "messages_per_second": Int(Double(count) / seconds),
        "server_cpu_us_per_message": pid == nil ? -1 : ((cpuAfter - cpuBefore) / Double(count) * 1e7).rounded() / 10,
        "server_peak_rss_mb": rss,
        "server_peak_pss_mb": pss,
      ]
      let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
      return String(decoding: data, as: UTF8.self)
    }
  }
}
