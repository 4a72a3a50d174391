import Foundation
import Logging
import Testing

@testable import NumaflowCore

@Suite struct ConfigurationTests {
  @Test func platformPathsAndLimitsByDefault() {
    let configuration = ServerConfiguration(environment: PlatformEnvironment([:]))
    #expect(configuration.socketDirectory == "/var/run/numaflow")
    #expect(configuration.runtimeDirectory == "/var/numaflow/runtime")
    #expect(configuration.maxMessageSize == 64 * 1024 * 1024)
    #expect(configuration.mode == .async)
    #expect(configuration.udContainerType == "unknown-container")
    #expect(configuration.logger.logLevel == .info)
    #expect(configuration.workerCount == ProcessInfo.processInfo.activeProcessorCount)
  }

  @Test func runDirectoryVariableRelocatesSocketsAndErrors() {
    let configuration = ServerConfiguration(environment: PlatformEnvironment(["NUMAFLOW_SWIFT_RUN_DIR": "/tmp/x"]))
    #expect(configuration.socketDirectory == "/tmp/x")
    #expect(configuration.runtimeDirectory == "/tmp/x/runtime")
  }

  @Test func platformVariablesAreRead() {
    let environment = PlatformEnvironment([
      "NUMAFLOW_UD_CONTAINER_TYPE": "udf", "NUMAFLOW_DEBUG": "true", "NUMAFLOW_CPU_LIMIT": "2.5",
    ])
    let configuration = ServerConfiguration(environment: environment)
    #expect(configuration.udContainerType == "udf")
    #expect(configuration.logger.logLevel == .debug)
    #expect(configuration.workerCount == 3)
  }

  @Test func invalidValuesNameTheFieldToFix() {
    var configuration = ServerConfiguration(environment: PlatformEnvironment([:]))
    configuration.maxConcurrentRequests = 0
    #expect(throws: ConfigurationError.self) { try configuration.validated() }
    do {
      _ = try configuration.validated()
    } catch {
      #expect("\(error)".contains("maxConcurrentRequests"))
    }
  }

  @Test(arguments: [
    (["server"], ServerMode.async),
    (["server", "--mode", "sync"], .sync),
    (["server", "--mode=multiprocess"], .multiprocess),
    (["server", "--verbose", "--mode", "async"], .async),
  ])
  func modeFromCommandLine(arguments: [String], expected: ServerMode) throws {
    #expect(try ServerMode(commandLine: arguments) == expected)
  }

  @Test func unknownModeListsTheChoices() {
    #expect {
      try ServerMode(commandLine: ["server", "--mode", "threads"])
    } throws: { error in
      "\(error)".contains("threads") && "\(error)".contains("async, sync, multiprocess")
    }
  }
}
