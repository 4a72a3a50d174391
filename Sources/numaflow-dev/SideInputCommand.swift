import ArgumentParser
import Foundation
import NumaflowSideInput
import NumaflowTesting

extension NumaflowDev {
  struct SideInput: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sideinput",
      abstract: "Side inputs for local runs of UDFs that read them.",
      subcommands: [Set.self]
    )

    struct Set: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Update a side input's value the way numa does: a new file, then a symlink swapped over NAME.",
        discussion: """
          Example, for a consumer started with SideInputs(directory: "/tmp/side-inputs"):
            numaflow-dev sideinput set myticker "v2" --dir /tmp/side-inputs
          An unchanged value is skipped, as numa skips it.
          """
      )

      @Argument(help: "The side input's name.")
      var name: String

      @Argument(help: "The new value (UTF-8 text), or - to read it from standard input.")
      var value: String

      @Option(help: "The side-input directory (numa mounts /var/numaflow/side-inputs).")
      var dir: String = SideInputs.defaultDirectory

      func run() throws {
        let bytes = value == "-" ? FileHandle.standardInput.readDataToEndOfFile() : Data(value.utf8)
        try SideInputDirectory(path: dir).set(name, to: bytes)
      }
    }
  }
}
