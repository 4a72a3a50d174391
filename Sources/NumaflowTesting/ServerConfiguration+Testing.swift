import NumaflowCore

extension ServerConfiguration {
  /// The defaults of a container whose only platform variable is
  /// `NUMAFLOW_UD_CONTAINER_TYPE=udf`, whatever the environment of the process running the
  /// test: a failure's message is always `UDF_EXECUTION_ERROR(udf): …`, and `NUMAFLOW_DEBUG`
  /// or `NUMAFLOW_CPU_LIMIT` set on a CI runner change nothing.
  ///
  /// ```swift
  /// let client = MapTestClient(server: MapServer(configuration: .testDefaults, mapper: Flaky()))
  /// ```
  public static var testDefaults: ServerConfiguration {
    ServerConfiguration(environment: PlatformEnvironment(["NUMAFLOW_UD_CONTAINER_TYPE": "udf"]))
  }
}
