import Foundation
import NumaflowTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A server binary from this package, started in a private run directory the way the platform
/// starts a UD container, and stopped by its pid.
final class ServerUnderTest: Sendable {
  let process: ChildProcess
  let runDirectory: String
  let socketPath: String
  let serverInfoPath: String

  /// `NUMAFLOW_UD_CONTAINER_TYPE`: `udf` unless the test's environment says otherwise.
  let containerType: String

  var errorDirectory: String { runDirectory + "/runtime/application-errors/" + containerType }
  var client: MapTestClient { MapTestClient(socketPath: socketPath) }
  var transformClient: SourceTransformTestClient { SourceTransformTestClient(socketPath: socketPath) }
  var sinkClient: SinkTestClient { SinkTestClient(socketPath: socketPath) }
  var pid: Int32 { process.pid }

  /// Starts `product` and waits until its server-info and socket exist (a map server's unless
  /// told otherwise).
  init(
    _ product: String,
    arguments: [String] = [],
    socket: String = "map.sock",
    serverInfo: String = "mapper-server-info",
    environment extra: [String: String] = [:],
    removing removed: [String] = [],
    standardError: FileHandle? = nil,
    waitUntilServing: Bool = true
  ) async throws {
    runDirectory = try makeTemporaryDirectory(prefix: "numaflow-it")
    socketPath = runDirectory + "/" + socket
    serverInfoPath = runDirectory + "/" + serverInfo
    var environment = ProcessInfo.processInfo.environment
    environment["NUMAFLOW_SWIFT_RUN_DIR"] = runDirectory
    environment["NUMAFLOW_UD_CONTAINER_TYPE"] = "udf"
    environment["SWIFT_BACKTRACE"] = "enable=no"
    // Serving on after SIGTERM races the grace period, and on one core shared with every other
    // test's servers (CI's second run) the default 20 s ran out mid-test. A test of the grace
    // period itself sets one (the fixture's --grace-ms).
    environment["NUMAFLOW_SWIFT_GRACE_PERIOD"] = "120"
    environment.merge(extra) { $1 }
    for name in removed { environment[name] = nil }
    containerType = environment["NUMAFLOW_UD_CONTAINER_TYPE"] ?? "udf"
    process = try ChildProcess(
      executable: Self.binary(product), arguments: arguments, environment: environment, standardError: standardError)
    guard waitUntilServing else { return }
    // numa polls for the files too; between looks, wait for the server's exit instead of sleeping.
    let deadline = ContinuousClock.now + .seconds(60)
    while !(FileManager.default.fileExists(atPath: serverInfoPath)
      && FileManager.default.fileExists(atPath: socketPath))
    {
      if let status = await process.exitStatus(within: .milliseconds(20)) {
        stop()
        throw TestFailure("\(process.commandLine) exited with status \(status) before it served")
      }
      guard ContinuousClock.now < deadline else {
        stop()
        throw TestFailure("\(process.commandLine) wrote no server-info and socket within 60 s")
      }
    }
  }

  /// Sends SIGTERM, as Kubernetes does.
  func terminate() {
    process.send(SIGTERM)
  }

  /// Waits for the process to exit and returns its status (128 + signal when killed).
  /// The default outlasts the 120 s of grace these servers get (above), so a server still
  /// draining on a starved core is not reported as one that hangs.
  func exitStatus(within timeout: Duration = .seconds(150)) async throws -> Int32 {
    guard let status = await process.exitStatus(within: timeout) else {
      let state = threadStates
      stop()
      throw TestFailure("\(process.commandLine) did not exit within \(timeout); its threads: \(state)")
    }
    return status
  }

  /// What each of the server's threads is doing, from /proc: its name, its state (R running,
  /// S sleeping) and the kernel function it waits in. Said when a server does not exit, so
  /// that a failure tells a stalled server (every thread asleep) from a starved one.
  private var threadStates: String {
    threadIDs.map { task in
      let directory = "/proc/\(pid)/task/\(task)"
      let read = { (file: String) in
        ((try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)) ?? "?")
          .trimmingCharacters(in: .whitespacesAndNewlines)
      }
      // stat: "pid (name) state ..."; the name may hold spaces, the state follows its ')'.
      let state = read("stat").split(separator: ")").last?.split(separator: " ").first ?? "?"
      return "\(read("comm")) \(state) \(read("wchan"))"
    }.joined(separator: ", ")
  }

  /// The server's threads, as /proc names them.
  private var threadIDs: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).sorted()
  }

  /// The server's child processes (its workers, in multiprocess mode).
  var childPIDs: [Int32] {
    threadIDs.flatMap { task in
      ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
        .split(separator: " ").compactMap { Int32($0) }
    }
  }

  /// The UDF failure the server persisted for the Numaflow UI, as its JSON object.
  func persistedFailure() throws -> [String: Any] {
    let files = try FileManager.default.contentsOfDirectory(atPath: errorDirectory)
    let file = try #require(files.first { $0.hasSuffix("-udf.json") })
    let contents = try #require(FileManager.default.contents(atPath: errorDirectory + "/" + file))
    return try #require(try JSONSerialization.jsonObject(with: contents) as? [String: Any])
  }

  /// Ends the server whatever its state (SIGKILL, reaped by Foundation's monitor thread, so
  /// nothing here waits), and removes its directory.
  func stop() {
    process.send(SIGKILL)
    // Worker processes exit by themselves once their server is gone.
    try? FileManager.default.removeItem(atPath: runDirectory)
  }

  deinit { stop() }

  /// A product built next to this test bundle.
  static func binary(_ product: String) -> String {
    let executable =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(product).path
  }
}

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
