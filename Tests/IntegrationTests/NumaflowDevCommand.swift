import Foundation
import NumaflowTesting
import Testing

/// Runs numaflow-dev with `arguments` and returns its stdout lines; it must exit with
/// `expectedStatus`. Its output goes to a file, read once it has exited: nothing blocks a
/// thread meanwhile.
func numaflowDev(
  _ arguments: [String], environment: [String: String] = [:], expectedStatus: Int32 = 0
) async throws -> [String] {
  let directory = try makeDirectory()
  defer { try? FileManager.default.removeItem(atPath: directory) }
  let outputPath = directory + "/stdout"
  _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
  let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
  let process = try ChildProcess(
    executable: ServerUnderTest.binary("numaflow-dev"), arguments: arguments,
    environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
    standardOutput: output, standardError: FileHandle.nullDevice)
  try output.close()
  guard let status = await process.exitStatus(within: .seconds(120)) else {
    _ = await process.stop(grace: .seconds(5))
    throw TestFailure("numaflow-dev \(arguments) did not finish within 120 s")
  }
  #expect(status == expectedStatus, "numaflow-dev \(arguments) exited with \(status)")
  let data = FileManager.default.contents(atPath: outputPath) ?? Data()
  return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

func makeDirectory() throws -> String {
  let path = NSTemporaryDirectory() + "numaflow-example-\(UUID().uuidString.prefix(8))"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
