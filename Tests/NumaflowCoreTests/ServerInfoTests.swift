import Foundation
import Testing

@testable import NumaflowCore

@Suite struct ServerInfoTests {
  @Test func mapperBytesAreWhatNumaParses() throws {
    let info = ServerInfo(containerType: .mapper, metadata: ["MAP_MODE": "unary-map"])
    let text = String(decoding: try info.encoded(), as: UTF8.self)
    #expect(
      text == #"{"language":"swift","metadata":{"MAP_MODE":"unary-map"},"minimum_numaflow_version":"1.8.0-z","#
        + #""protocol":"uds","version":"\#(NumaflowSDK.version)"}U+005C__END__"#
    )
  }

  @Test func aRaisedMinimumVersionIsWhatServerInfoCarries() throws {
    let info = ServerInfo(containerType: .sinker, minimumNumaflowVersion: .failAndRetry)
    #expect(String(decoding: try info.encoded(), as: UTF8.self).contains(#""minimum_numaflow_version":"1.9.0-z""#))
  }

  @Test func nonMapServersPublishAnEmptyMetadataObject() throws {
    let text = String(decoding: try ServerInfo(containerType: .sourceTransformer).encoded(), as: UTF8.self)
    #expect(text.contains(#""metadata":{}"#))
    #expect(text.hasSuffix("}U+005C__END__"))
  }

  @Test func writeReplacesTheFileInOneStep() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-info-\(UUID())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data("stale".utf8).write(to: URL(fileURLWithPath: directory + "/mapper-server-info"))

    let path = try ServerInfo(containerType: .mapper, metadata: ["MAP_MODE": "unary-map"]).write(toDirectory: directory)

    #expect(path == directory + "/mapper-server-info")
    #expect(
      FileManager.default.contents(atPath: path)
        == (try ServerInfo(containerType: .mapper, metadata: ["MAP_MODE": "unary-map"]).encoded()))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["mapper-server-info"])
  }
}
