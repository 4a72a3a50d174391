import Foundation
import Testing

@testable import NumaflowCore

@Suite struct RuntimeErrorFileTests {
  @Test func writesTheFiveFieldsNumaRequires() throws {
    let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("runtime-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: runtime) }
    let failure = UDFFailure(
      code: .handlerError, containerType: "udf", summary: "map handler failed", details: "request id: 7")

    let path = try RuntimeErrorFile.write(
      failure, containerType: "udf", runtimeDirectory: runtime, now: Date(timeIntervalSince1970: 1_700_000_000))

    #expect(path == runtime + "/application-errors/udf/1700000000-udf.json")
    let contents = try #require(FileManager.default.contents(atPath: path))
    let object = try #require(try JSONSerialization.jsonObject(with: contents) as? [String: Any])
    #expect(object["container"] as? String == "udf")
    #expect(object["timestamp"] as? Int == 1_700_000_000)
    #expect(object["code"] as? String == "Internal error")
    #expect(object["message"] as? String == "UDF_EXECUTION_ERROR(udf): map handler failed")
    #expect(object["details"] as? String == "request id: 7")
    // numa skips names starting "current": none may be left behind.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: runtime + "/application-errors/udf") == [
        "1700000000-udf.json"
      ])
  }
}
