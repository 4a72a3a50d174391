import ArgumentParser

/// `numaflow-dev`: plays numa's part against any UDF server binary, with no cluster.
@main
struct NumaflowDev: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "numaflow-dev",
    abstract: "Run, check and benchmark Numaflow UDF servers locally, the way numa drives them.",
    discussion: """
      The server binary is started with its socket directory in a private temporary directory \
      (NUMAFLOW_SWIFT_RUN_DIR), so nothing is written under /var/run/numaflow. Servers of other \
      SDKs, which always use /var/run/numaflow, are driven with --run-dir /var/run/numaflow.
      """,
    subcommands: [Run.self, Pipeline.self, Check.self, Bench.self, SideInput.self, Init.self]
  )
}
