import Foundation

/// The lines of a file as an `AsyncSequence`, read from the start; with `follow`, it then
/// waits for lines appended later, as `tail -f` does.
struct FileLines: AsyncSequence, Sendable {
  typealias Element = String

  let path: String
  let follow: Bool
  /// How long to wait before looking for appended lines.
  var pollInterval: Duration = .milliseconds(100)

  /// The file could not be opened.
  struct Unreadable: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot open \(path) for reading" }
  }

  struct AsyncIterator: AsyncIteratorProtocol {
    let path: String
    let file: FileHandle?
    let follow: Bool
    let pollInterval: Duration
    var buffer = Data()

    mutating func next() async throws -> String? {
      guard let file else { throw Unreadable(path: path) }
      while true {
        if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
          let line = buffer[buffer.startIndex..<newline]
          buffer.removeSubrange(buffer.startIndex...newline)
          return String(decoding: line, as: UTF8.self)
        }
        let chunk = try file.read(upToCount: 64 * 1024) ?? Data()
        if !chunk.isEmpty {
          buffer.append(chunk)
          continue
        }
        // At the end of the file: wait for more, or hand out the last unterminated line.
        guard follow else {
          defer { buffer.removeAll() }
          return buffer.isEmpty ? nil : String(decoding: buffer, as: UTF8.self)
        }
        try await Task.sleep(for: pollInterval)
      }
    }
  }

  func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(path: path, file: FileHandle(forReadingAtPath: path), follow: follow, pollInterval: pollInterval)
  }
}
