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
    #expect {
      try configuration.validated()
    } throws: { error in
      let error = error as? ConfigurationError
      return error?.code == .invalidValue && error?.message.contains("maxConcurrentRequests") == true
    }
  }

  @Test(arguments: [
    (["server"], "async"),
    (["server", "--mode=multiprocess"], "multiprocess"),
    (["server", "--verbose", "--mode", "async"], "async"),
  ])
  func anAsyncHandlersModeFromTheCommandLine(arguments: [String], expected: String) throws {
    #expect(try ServerMode<AsyncOrMultiprocess>.commandLine(arguments).name == expected)
  }

  @Test func aBlockingHandlerDefaultsToSyncUnlessToldOtherwise() throws {
    #expect(try ServerMode<AnyMode>.commandLine(["server"]) == .sync)
    #expect(try ServerMode<AnyMode>.commandLine(["server"], default: .async) == .async)
    #expect(try ServerMode<AnyMode>.commandLine(["server", "--mode", "multiprocess"]) == .multiprocess)
    #expect(ServerMode<SyncOrAsync>.all.map(\.name) == ["sync", "async"])
  }

  @Test func aModeTheServerDoesNotOfferIsRefusedWithItsChoices() {
    #expect {
      try ServerMode<AsyncOrMultiprocess>.commandLine(["server", "--mode", "sync"])
    } throws: { error in
      let error = error as? ConfigurationError
      return error?.code == .unknownMode && error?.message.contains("'sync'") == true
        && error?.message.hasSuffix("use one of async, multiprocess") == true
    }
    #expect(throws: ConfigurationError.self) { try ServerMode<SyncOrAsync>.commandLine(["server", "--mode"]) }
  }

  @Test func aModeResolvesToWhereTheHandlerRuns() {
    #expect(ServerMode<AnyMode>.async.placement(synchronousHandler: true) == .inline)
    #expect(ServerMode<AsyncOrMultiprocess>.async.placement(synchronousHandler: false) == .tasks)
    #expect(ServerMode<AnyMode>.sync.placement(synchronousHandler: true) == .threads)
    #expect(ServerMode<AnyMode>.multiprocess.placement(synchronousHandler: true) == .processes)
  }
}
