import Foundation

/// Finds a command as a shell does, so that `numaflow-dev run map -- udf` starts what the shell
/// would: a name with a slash is a path; any other name is looked up in each directory of
/// `PATH` in turn, and the first executable file of that name (not a directory) wins.
package enum CommandSearch {
  /// The path to run for `command`, or `command` itself when no directory of `path` holds it
  /// (starting it then fails with a message that names it).
  ///
  /// ```swift
  /// CommandSearch.resolve("udf", path: "/opt/tools:/usr/local/bin")  // "/usr/local/bin/udf"
  /// ```
  package static func resolve(_ command: String, path: String) -> String {
    if command.contains("/") { return command }
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(command)"
      if isExecutableFile(candidate) { return candidate }
    }
    return command
  }

  /// Whether `candidate` is a file that can be run. A directory passes Foundation's executable
  /// check (its search bit), but it is not a command.
  package static func isExecutableFile(_ candidate: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) && !isDirectory.boolValue
      && FileManager.default.isExecutableFile(atPath: candidate)
  }
}
