#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The server-info file: how numa learns which protocol, language and version it is talking to.
///
/// Written atomically (temporary file, then rename) after the socket listens; JSON followed
/// directly by the end marker, with nothing after it.
package struct ServerInfo: Sendable, Equatable {
  package var containerType: ContainerType
  /// Keys numa reads, such as `MAP_MODE`.
  package var metadata: [String: String]
  /// `minimum_numaflow_version`: the container type's, unless the configuration raised it.
  package var minimumNumaflowVersion: String

  package init(
    containerType: ContainerType, metadata: [String: String] = [:], minimumNumaflowVersion: NumaflowVersion? = nil
  ) {
    self.containerType = containerType
    self.metadata = metadata
    self.minimumNumaflowVersion = minimumNumaflowVersion?.serverInfoValue ?? containerType.minimumNumaflowVersion
  }

  /// The literal end marker numa looks for (the text `U+005C`, not a backslash).
  package static let endMarker = "U+005C__END__"

  private struct Body: Encodable {
    var `protocol`: String
    var language: String
    var minimum_numaflow_version: String
    var version: String
    var metadata: [String: String]
  }

  /// The file's exact bytes.
  package func encoded() throws -> Data {
    let body = Body(
      protocol: "uds",
      language: NumaflowSDK.language,
      minimum_numaflow_version: minimumNumaflowVersion,
      version: NumaflowSDK.version,
      metadata: metadata
    )
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(body)
    data.append(contentsOf: Self.endMarker.utf8)
    return data
  }

  /// Writes the file into `directory` in one step: readers see either nothing or all of it.
  package func write(toDirectory directory: String) throws -> String {
    let path = joinPath(directory, containerType.serverInfoFileName)
    let temporary = joinPath(directory, ".\(containerType.serverInfoFileName).tmp")
    try encoded().write(to: URL(fileURLWithPath: temporary))
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw ConfigurationError(.socketDirectory, "cannot move the server-info file into place at \(path): \(reason)")
    }
    return path
  }
}
