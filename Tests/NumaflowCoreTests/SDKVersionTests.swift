import Foundation
import Testing

@testable import NumaflowCore

/// `NumaflowSDK.version` is the one version number: what server-info publishes, what
/// `numaflow-dev init` depends on, and what a release is tagged. The documents a user reads
/// must name the same one.
@Suite struct SDKVersionTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func text(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  @Test func isASemanticVersionThatSwiftPMResolves() {
    let parts = NumaflowSDK.version.split(separator: ".", omittingEmptySubsequences: false)
    #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }, "\(NumaflowSDK.version)")
  }

  @Test func theChangelogHasItsSection() throws {
    let headings = try Self.text("CHANGELOG.md").split(separator: "\n").filter { $0.hasPrefix("## [") }
    #expect(headings.first == "## [Unreleased]")
    #expect(
      headings.dropFirst().first?.hasPrefix("## [\(NumaflowSDK.version)] - ") == true,
      "the newest released section of CHANGELOG.md is not \(NumaflowSDK.version)'s")
  }

  @Test func theReadmeDependsOnItAndPublishesIt() throws {
    let readme = try Self.text("README.md")
    #expect(readme.contains(#"from: "\#(NumaflowSDK.version)")"#))
    #expect(readme.contains(#""version":"\#(NumaflowSDK.version)"}"#))
  }
}
