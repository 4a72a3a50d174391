import ArgumentParser

/// Where the server under test puts its socket and server-info file.
struct RunDirectoryOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The server's socket directory, for servers that do not read NUMAFLOW_SWIFT_RUN_DIR.",
      discussion: """
        By default the server runs with its socket directory in a private temporary directory, \
        removed afterwards. Servers of other SDKs (pynumaflow, numaflow-go) always use \
        /var/run/numaflow: pass --run-dir /var/run/numaflow to drive them. A given directory is \
        created if needed and kept.
        """,
      valueName: "dir"
    )
  )
  var runDir: String?
}
