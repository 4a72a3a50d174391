import Foundation
import NumaflowCore

/// Reads a server-info file the way numa does (numaflow-shared `read_server_info`) and says
/// what numa would make of it.
package struct ServerInfoCheck {
  package static let endMarker = "U+005C__END__"
  package static let knownLanguages: Set<String> = ["go", "python", "java", "rust"]

  package var path: String
  package var containerType: String
  package var fields: [String: Any]
  package var metadata: [String: String]
  /// Things numa would log or that would break on other platform versions.
  package var notes: [String] = []

  package var language: String { fields["language"] as? String ?? "" }
  package var version: String { fields["version"] as? String ?? "" }
  package var minimumNumaflowVersion: String { fields["minimum_numaflow_version"] as? String ?? "" }

  /// The socket numa would dial for this server.
  package var socketFileName: String {
    Endpoint.dialed(containerType: containerType, metadata: metadata)?.socketFileName ?? "\(containerType).sock"
  }

  /// Reads the file at `path`.
  package init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationFailure("\(path): cannot be read")
    }
    try self.init(path: path, contents: data)
  }

  /// Checks `contents` as the server-info file at `path`, whose name says the container type.
  package init(path: String, contents data: Data) throws {
    self.path = path
    let name = (path as NSString).lastPathComponent
    containerType = name.hasSuffix("-server-info") ? String(name.dropLast("-server-info".count)) : "unknown"
    guard let text = String(data: data, encoding: .utf8) else {
      throw ValidationFailure("\(path): cannot be read as UTF-8 text")
    }
    guard text.hasSuffix(Self.endMarker) else {
      throw ValidationFailure(
        "\(path): does not end with the marker \(Self.endMarker); numa retries 10 times, then fails")
    }
    let json = Data(text.dropLast(Self.endMarker.count).utf8)
    guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
      throw ValidationFailure("\(path): the content before the marker is not a JSON object; numa fails to parse it")
    }
    fields = object
    metadata = (object["metadata"] as? [String: String]) ?? [:]
    if Endpoint.dialed(containerType: containerType, metadata: [:]) == nil {
      notes.append("container type '\(containerType)' (from the file name) is not one numa knows")
    }
    switch object["protocol"] as? String {
    case "uds", nil: break
    case "tcp":
      if containerType != "mapper" { throw ValidationFailure("\(path): protocol tcp is only honoured for map servers") }
      notes.append("protocol tcp: numa dials MULTIPROC_ENDPOINTS (exactly one) instead of the socket")
    case let other?:
      notes.append("protocol '\(other)' is not uds or tcp: numa treats it as uds")
    }
    if minimumNumaflowVersion.isEmpty {
      notes.append("minimum_numaflow_version is empty: numa skips the platform version check")
    } else if let (major, minor, patch) = Self.semver(minimumNumaflowVersion) {
      notes.append(Self.meaning(of: NumaflowVersion(major, minor, patch)))
    } else {
      throw ValidationFailure("\(path): minimum_numaflow_version '\(minimumNumaflowVersion)' is not a semantic version")
    }
    if !Self.knownLanguages.contains(language) && !version.isEmpty {
      notes.append(
        "language '\(language)' is unknown to numa: Numaflow ≥ 1.8.0 skips the SDK version check "
          + "(and never calls a source's NackFn); Numaflow ≤ 1.7 rejects it unless version is empty")
    }
    if let mode = metadata["MAP_MODE"], !["unary-map", "stream-map", "batch-map"].contains(mode) {
      notes.append("MAP_MODE '\(mode)' is unknown: numa falls back to unary map (map.sock)")
    }
  }

  /// What a minimum version means on the platform: which releases refuse the container, and
  /// which of the SDK's features it allows.
  package static func meaning(of minimum: NumaflowVersion) -> String {
    let features: [(NumaflowVersion, String)] = [
      (.sdkMinimum, "a Swift UDF"), (.nackTags, "nack outputs and sink nacks"), (.failAndRetry, "fail and retry"),
    ]
    let allowed = features.filter { $0.0 <= minimum }.map(\.1).joined(separator: ", ")
    return "minimum_numaflow_version \(minimum): Numaflow older than \(minimum) refuses this container; "
      + "every release that runs it supports \(allowed.isEmpty ? "none of the SDK's features" : allowed)"
  }

  /// Major, minor, patch of "1.8.0-z" or "v0.1.0".
  package static func semver(_ text: String) -> (Int, Int, Int)? {
    let core = text.drop(while: { $0 == "v" }).split(separator: "-", maxSplits: 1).first ?? ""
    let parts = core.split(separator: ".").compactMap { Int($0) }
    guard parts.count == 3 else { return nil }
    return (parts[0], parts[1], parts[2])
  }

  package var summary: String {
    "\(containerType): protocol=\(fields["protocol"] as? String ?? "uds") language=\(language) "
      + "version=\(version) minimum_numaflow_version=\(minimumNumaflowVersion) metadata=\(metadata)"
  }
}
