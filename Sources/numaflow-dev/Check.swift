import ArgumentParser
import Foundation
import NumaflowDevKit

extension NumaflowDev {
  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check that a UDF server starts the way numa expects: server-info, IsReady, handshake.",
      discussion: "Example: numaflow-dev check -- .build/debug/map-even-odd --mode sync"
    )

    @OptionGroup var runDirectory: RunDirectoryOption

    @Option(
      help: ArgumentHelp(
        "NUMAFLOW_UD_CONTAINER_TYPE for the server, as the platform sets it.",
        discussion:
          "udf, transformer, udsource, udsink, fb-udsink (a fallback sink) or ons-udsink (an on-success sink).",
        valueName: "type"))
    var containerType: String?

    @Argument(parsing: .postTerminator, help: "The server binary and its arguments, after --.")
    var server: [String] = []

    func run() async throws {
      let session: ServerSession
      do {
        session = try await ServerSession.start(
          command: server, kind: nil, containerType: containerType, runDirectory: runDirectory.runDir
        ) {
          print($0.hasPrefix("note:") ? "• \($0)" : "✓ \($0)")
        }
      } catch {
        print("✗ \(error)")
        throw ExitCode.failure
      }
      print("✓ socket: \(session.info.socketFileName)")
      var failed = false
      do {
        guard let answersHandshake = session.kind.answersHandshake else {
          print("✓ handshake: none in this protocol (unary calls)")
          throw Skip()
        }
        if try await answersHandshake(session.socketPath) {
          print("✓ handshake: the server answered sot=true first")
        } else {
          print("✗ handshake: the first message was not a handshake with sot=true (numa fails the stream)")
          failed = true
        }
      } catch is Skip {
      } catch {
        print("✗ handshake: \(error)")
        failed = true
      }
      let status = await session.process.stop()
      if status == 0 {
        print("✓ SIGTERM: the server exited with status 0")
      } else {
        print("✗ SIGTERM: the server exited with status \(status), not 0")
        failed = true
      }
      if failed { throw ExitCode.failure }
    }
  }
}

/// Nothing to check.
private struct Skip: Error {}
