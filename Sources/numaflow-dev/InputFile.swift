import Foundation
import NIOPosix
import NumaflowDevKit

/// The bytes of an input file, or of standard input for "-".
///
/// Standard input is read on NIO's blocking-I/O thread pool: it can take as long as whoever
/// writes it, and a blocking read on a cooperative thread would hold that thread all along.
enum InputFile {
  static func contents(of path: String) async throws -> Data {
    if path == "-" {
      return try await NIOThreadPool.singleton.runIfActive { FileHandle.standardInput.readDataToEndOfFile() }
    }
    guard let contents = FileManager.default.contents(atPath: path) else {
      throw ValidationFailure("cannot read the input file \(path)")
    }
    return contents
  }
}
