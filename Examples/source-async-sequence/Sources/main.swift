// Publishes the lines of a file as a Numaflow source, following the file as it grows:
// `SourceServer(publishing:)` assigns offsets, keeps every line until numa acks it, sends
// again before new ones the lines numa let go of (nacked, read on a stream that ended, or
// unacked for --ack-timeout seconds, 60 by default), and stops reading the file while 10,000
// lines wait for their acks.
//
//   source-async-sequence --file /var/log/app.log [--no-follow] [--ack-timeout SECONDS]
import FoundationEssentials
import Glibc
import NumaflowSourcer

let arguments = CommandLine.arguments
let path = arguments.firstIndex(of: "--file").map { arguments[$0 + 1] } ?? "/var/log/udf/input.log"
guard FileManager.default.isReadableFile(atPath: path) else {
  let message = "source-async-sequence: cannot read \(path): give --file PATH\n"
  _ = message.utf8.withContiguousStorageIfAvailable { write(STDERR_FILENO, $0.baseAddress, $0.count) }
  exit(1)
}
let lines = FileLines(path: path, follow: !arguments.contains("--no-follow"))
let ackTimeout = arguments.firstIndex(of: "--ack-timeout").flatMap { Double(arguments[$0 + 1]) } ?? 60

await SourceServer(
  publishing: lines.map { SourceRecord($0, keys: ["line"]) }, ackTimeout: .seconds(ackTimeout)
).runService()
