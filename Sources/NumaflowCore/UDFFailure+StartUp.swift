import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension UDFFailure.Code {
  /// Work before the server started failed: loading a model, connecting to a database.
  public static let startUpFailed = UDFFailure.Code(name: "start-up-failed")
}

extension UDFFailure {
  /// A failure of start-up work, `activity` ("loading the model"), before any server existed.
  public init(startingUp activity: String, error: any Error, containerType: String) {
    let description = String(reflecting: error)
    self.init(
      code: .startUpFailed, containerType: containerType, summary: "start-up failed while \(activity): \(description)",
      details: "failed while: \(activity)\nerror: \(description)\nerror type: \(type(of: error))")
  }

  /// Persists `error` where the Numaflow UI shows a UDF's failures, exactly as a server does
  /// (same directory, file name and JSON, same container name), for code that fails before a
  /// server exists. Like a server, it writes once per process: the first failure is the cause.
  /// Returns the file's path, or `nil` when one was written already or writing failed (logged).
  ///
  /// ```swift
  /// let model: Model
  /// do {
  ///   model = try await Model.load(from: "/models/current")
  /// } catch {
  ///   UDFFailure.persistCritical(error, while: "loading the model")
  ///   throw error   // exit non-zero: Kubernetes restarts the container, the UI says why
  /// }
  /// ```
  @discardableResult
  public static func persistCritical(
    _ error: any Error, while activity: String, configuration: ServerConfiguration = .defaults
  ) -> String? {
    let failure = UDFFailure(startingUp: activity, error: error, containerType: configuration.udContainerType)
    configuration.logger.critical(
      "UDF start-up failed: the process will exit non-zero",
      metadata: ["error": "\(failure.message)", "details": "\(failure.details)"])
    return failure.persist(configuration: configuration)
  }

  /// Runs start-up work in a container's `main`. If it throws, the error is persisted with
  /// ``persistCritical(_:while:configuration:)`` and the process exits with status 1, as a
  /// server does after a UDF failure (rethrowing from `main` would trap instead):
  /// Kubernetes restarts the container and the Numaflow UI says why.
  ///
  /// ```swift
  /// let model = await UDFFailure.reportingCritical(while: "loading the model") {
  ///   try await Model.load(from: "/models/current")
  /// }
  /// await MapServer(mapper: Classifier(model: model)).runService()
  /// ```
  public static func reportingCritical<Value>(
    while activity: String, configuration: ServerConfiguration = .defaults,
    _ body: () async throws -> Value
  ) async -> Value {
    do {
      return try await body()
    } catch {
      persistCritical(error, while: activity, configuration: configuration)
      exit(1)
    }
  }

  /// Writes this failure for the Numaflow UI (once per process) and logs where; `nil` when
  /// nothing was written.
  @discardableResult
  package func persist(configuration: ServerConfiguration) -> String? {
    do {
      let path = try RuntimeErrorFile.persist(
        self, containerType: configuration.udContainerType, runtimeDirectory: configuration.runtimeDirectory)
      if let path {
        configuration.logger.info("persisted the UDF failure for the Numaflow UI", metadata: ["path": "\(path)"])
      }
      return path
    } catch {
      configuration.logger.error("could not persist the UDF failure", metadata: ["error": "\(error)"])
      return nil
    }
  }
}
