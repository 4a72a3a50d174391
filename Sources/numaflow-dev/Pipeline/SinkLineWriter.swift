import Foundation

/// Where sink lines go: stdout, or one file per sink vertex.
final class SinkLineWriter {
  private let directory: String?
  private var files: [String: FileHandle] = [:]

  init(directory: String?) throws {
    self.directory = directory
    if let directory { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
  }

  func write(_ line: OutputRecord) {
    guard let directory, let sink = line.sink else {
      print(line.line)
      return
    }
    if files[sink] == nil {
      let path = (directory as NSString).appendingPathComponent("\(sink).jsonl")
      _ = FileManager.default.createFile(atPath: path, contents: nil)
      files[sink] = FileHandle(forWritingAtPath: path)
    }
    files[sink]?.write(Data((line.line + "\n").utf8))
  }

  func close() {
    for file in files.values { try? file.close() }
  }
}
