import Foundation
import NumaflowCore
import Testing

/// `numaflow-dev init`'s dependency on this SDK, as it writes it into the new package's
/// manifest (`.ci/check-scaffold.sh` builds and tests whole scaffolds).
@Suite(.timeLimit(.minutes(2)))
struct InitCommandTests {
  /// Runs `init map my-udf` with `arguments` into a new folder; returns the manifest's
  /// dependency line on the SDK, or nil when init failed as `expectedStatus` says.
  func dependencyLine(_ arguments: [String], expectedStatus: Int32 = 0) async throws -> String? {
    let directory = try makeDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try await numaflowDev(
      ["init", "map", "my-udf", "--into", directory] + arguments, expectedStatus: expectedStatus)
    guard let manifest = FileManager.default.contents(atPath: directory + "/my-udf/Package.swift") else { return nil }
    return String(decoding: manifest, as: UTF8.self).split(separator: "\n")
      .first { $0.contains(".package(") }.map { $0.trimmingCharacters(in: .whitespaces) }
  }

  @Test func aGitURLIsDependedOnFromThisVersion() async throws {
    let line = try await dependencyLine(["--sdk-url", "https://example.com/acme/numaflow-swift.git"])
    #expect(line == #".package(url: "https://example.com/acme/numaflow-swift.git", from: "\#(NumaflowSDK.version)"),"#)
  }

  @Test func aBranchStandsInForAVersion() async throws {
    let line = try await dependencyLine([
      "--sdk-url", "https://example.com/acme/numaflow-swift.git", "--sdk-branch", "main",
    ])
    #expect(line == #".package(url: "https://example.com/acme/numaflow-swift.git", branch: "main"),"#)
  }

  @Test func aBranchAndAVersionTogetherAreRefused() async throws {
    let line = try await dependencyLine(
      ["--sdk-url", "https://example.com/acme/numaflow-swift.git", "--sdk-branch", "main", "--sdk-version", "0.2.0"],
      expectedStatus: 64)
    #expect(line == nil)
  }

  @Test func aBranchWithoutAURLIsRefused() async throws {
    let line = try await dependencyLine(
      ["--local-path", FileManager.default.currentDirectoryPath, "--sdk-branch", "main"], expectedStatus: 64)
    #expect(line == nil)
  }

  @Test func aValueThatWouldBreakTheManifestIsRefused() async throws {
    let line = try await dependencyLine(
      ["--sdk-url", "https://example.com/acme/numaflow-swift.git", "--sdk-branch", #"main", path: "/etc"#],
      expectedStatus: 64)
    #expect(line == nil)
  }
}
