import Foundation
import NumaflowDevKit
import Testing

@Suite struct CommandSearchTests {
  /// A temporary tree: `first/udf` is a directory, `second/udf` an executable file,
  /// `third/udf` a file that is not executable.
  private static func tree() throws -> String {
    let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("command-search-\(UUID().uuidString)")
    let manager = FileManager.default
    try manager.createDirectory(atPath: "\(root)/first/udf", withIntermediateDirectories: true)
    try manager.createDirectory(atPath: "\(root)/second", withIntermediateDirectories: true)
    try manager.createDirectory(atPath: "\(root)/third", withIntermediateDirectories: true)
    #expect(
      manager.createFile(
        atPath: "\(root)/second/udf", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
    #expect(manager.createFile(atPath: "\(root)/third/udf", contents: Data(), attributes: [.posixPermissions: 0o644]))
    return root
  }

  @Test func aDirectoryNamedLikeTheCommandIsSkipped() throws {
    let root = try Self.tree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(CommandSearch.resolve("udf", path: "\(root)/first:\(root)/second") == "\(root)/second/udf")
  }

  @Test func aFileThatIsNotExecutableIsSkipped() throws {
    let root = try Self.tree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(CommandSearch.resolve("udf", path: "\(root)/third:\(root)/second") == "\(root)/second/udf")
  }

  @Test func aCommandFoundNowhereIsLeftAsGiven() throws {
    let root = try Self.tree()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(CommandSearch.resolve("udf", path: "\(root)/first:\(root)/third") == "udf")
  }

  @Test func aNameWithASlashIsAPath() {
    #expect(CommandSearch.resolve("bin/udf", path: "/usr/bin") == "bin/udf")
  }
}
