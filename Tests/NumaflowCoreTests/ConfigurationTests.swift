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

  @Test func theGracePeriodComesFromItsVariable() {
    let set = ServerConfiguration(environment: PlatformEnvironment(["NUMAFLOW_SWIFT_GRACE_PERIOD": "55.5"]))
    #expect(set.shutdownGracePeriod == .milliseconds(55_500))
    #expect(ServerConfiguration(environment: PlatformEnvironment([:])).shutdownGracePeriod == .seconds(20))
  }

  @Test(arguments: ["NUMAFLOW_SWIFT_GRACE_PERIOD", "NUMAFLOW_CPU_LIMIT", "NUMAFLOW_MEMORY_LIMIT"])
  func aVariableThatCannotBeReadIsIgnoredAndNamed(variable: String) {
    for value in ["soon", "-3", "0", "inf", "nan", "1e30"] {
      let environment = PlatformEnvironment([variable: value])
      #expect(environment.unreadable.count == 1)
      #expect(environment.unreadable.first?.hasPrefix("\(variable)=\(value) (not a positive number up to ") == true)
      #expect(environment.gracePeriod == nil && environment.cpuLimit == nil && environment.memoryLimit == nil)
      #expect(ServerConfiguration(environment: environment).shutdownGracePeriod == .seconds(20))
    }
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

  @Test func whoAndWhereTheUDFIsAreRead() {
    let pipeline = PlatformEnvironment([
      "NUMAFLOW_NAMESPACE": "team-a", "NUMAFLOW_PIPELINE_NAME": "orders", "NUMAFLOW_VERTEX_NAME": "enrich",
      "NUMAFLOW_POD": "orders-enrich-0-abcde", "NUMAFLOW_REPLICA": "3", "NUMAFLOW_CPU_REQUEST": "1",
      "NUMAFLOW_CPU_LIMIT": "2", "NUMAFLOW_MEMORY_REQUEST": "134217728", "NUMAFLOW_MEMORY_LIMIT": "268435456",
    ])
    #expect(pipeline.namespace == "team-a" && pipeline.pipelineName == "orders" && pipeline.vertex == "enrich")
    #expect(pipeline.pod == "orders-enrich-0-abcde" && pipeline.replica == 3 && pipeline.monoVertexName == nil)
    #expect(pipeline.cpuRequest == 1 && pipeline.cpuLimit == 2)
    #expect(pipeline.memoryRequest == 128 << 20 && pipeline.memoryLimit == 256 << 20)
    #expect(ServerConfiguration(environment: pipeline).workerCount == 2, "the CPU limit still sets the workers")

    let monoVertex = PlatformEnvironment(["NUMAFLOW_MONO_VERTEX_NAME": "simple", "NUMAFLOW_REPLICA": ""])
    #expect(monoVertex.vertex == "simple" && monoVertex.pipelineName == nil && monoVertex.replica == nil)
    let local = PlatformEnvironment([:])
    #expect(local.namespace == nil && local.pod == nil && local.memoryLimit == nil && local.vertex == nil)
  }

  @Test func theMinimumNumaflowVersionCanBeRaisedButNotLowered() throws {
    var configuration = ServerConfiguration(environment: PlatformEnvironment([:]))
    #expect(configuration.minimumNumaflowVersion == .sdkMinimum)
    configuration.minimumNumaflowVersion = .failAndRetry
    #expect(try configuration.validated().minimumNumaflowVersion == NumaflowVersion(1, 9, 0))
    configuration.minimumNumaflowVersion = NumaflowVersion(1, 7, 9)
    #expect(throws: ConfigurationError.self) { try configuration.validated() }
    #expect(NumaflowVersion.sdkMinimum < .nackTags && NumaflowVersion.nackTags < .failAndRetry)
  }

  @Test func aStartUpFailureSaysWhatFailedWhile() {
    struct NoModel: Error, CustomStringConvertible { var description: String { "no model at /models" } }
    let failure = UDFFailure(startingUp: "loading the model", error: NoModel(), containerType: "udf")
    #expect(failure.code == .startUpFailed)
    #expect(failure.message == "UDF_EXECUTION_ERROR(udf): start-up failed while loading the model: no model at /models")
    #expect(failure.details.contains("error type: NoModel"))
  }
}
