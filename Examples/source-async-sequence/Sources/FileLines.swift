import FoundationEssentials
import Glibc

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
    let file: ReadableFile?
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
        let chunk = try file.read(upToCount: 64 * 1024)
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
    AsyncIterator(path: path, file: ReadableFile(path: path), follow: follow, pollInterval: pollInterval)
  }
}

/// A file open for reading, closed when the last iterator using it goes away.
final class ReadableFile: Sendable {
  private let descriptor: Int32

  /// A read failed (the file's errno).
  struct ReadFailed: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "cannot read the file: \(String(cString: strerror(errno)))" }
  }

  /// The file at `path`, or nil when it cannot be opened.
  init?(path: String) {
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 { return nil }
  }

  deinit { close(descriptor) }

  /// Up to `count` bytes from where the last read stopped: empty at the end of the file.
  func read(upToCount count: Int) throws -> Data {
    var chunk = Data(count: count)
    let read = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, count) }
    guard read >= 0 else { throw ReadFailed(errno: errno) }
    chunk.count = read
    return chunk
  }
}
