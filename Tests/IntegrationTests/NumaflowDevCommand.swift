import Foundation
import NumaflowTesting
import Testing

/// Runs numaflow-dev with `arguments` and returns its stdout lines; it must exit with
/// `expectedStatus`.
func numaflowDev(
  _ arguments: [String], environment: [String: String] = [:], expectedStatus: Int32 = 0
) async throws -> [String] {
  try await numaflowDevOutput(arguments, environment: environment, expectedStatus: expectedStatus).standardOutput
}

/// Runs numaflow-dev with `arguments` and returns its stdout and stderr lines; it must exit with
/// `expectedStatus`. Its output goes to files, read once it has exited: nothing blocks a
/// thread meanwhile.
func numaflowDevOutput(
  _ arguments: [String], environment: [String: String] = [:], expectedStatus: Int32 = 0
) async throws -> (standardOutput: [String], standardError: [String]) {
  let directory = try makeDirectory()
  defer { try? FileManager.default.removeItem(atPath: directory) }
  let paths = (output: directory + "/stdout", error: directory + "/stderr")
  _ = FileManager.default.createFile(atPath: paths.output, contents: nil)
  _ = FileManager.default.createFile(atPath: paths.error, contents: nil)
  let output = try FileHandle(forWritingTo: URL(fileURLWithPath: paths.output))
  let error = try FileHandle(forWritingTo: URL(fileURLWithPath: paths.error))
  let process = try ChildProcess(
    executable: ServerUnderTest.binary("numaflow-dev"), arguments: arguments,
    environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
    standardOutput: output, standardError: error)
  try output.close()
  try error.close()
  guard let status = await process.exitStatus(within: .seconds(120)) else {
    _ = await process.stop(grace: .seconds(5))
    throw TestFailure("numaflow-dev \(arguments) did not finish within 120 s")
  }
  #expect(status == expectedStatus, "numaflow-dev \(arguments) exited with \(status)")
  func lines(_ path: String) -> [String] {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
      .split(separator: "\n").map(String.init)
  }
  return (lines(paths.output), lines(paths.error))
}

func makeDirectory() throws -> String {
  let path = NSTemporaryDirectory() + "numaflow-example-\(UUID().uuidString.prefix(8))"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
