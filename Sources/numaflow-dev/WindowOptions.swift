import ArgumentParser
import Foundation
import NumaflowDevKit
import NumaflowTesting

/// How `run reduce|reducestream` assigns windows from each record's event time.
struct WindowOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "reduce, reducestream: fixed:LENGTH or sliding:LENGTH/SLIDE; session: session:GAP (60s, 500ms, 2m).",
      valueName: "window"))
  var window: WindowSpec = WindowSpec(.fixed(.seconds(60)))

  @Option(help: "accumulator: how long after a key's last event time numa closes it (10s, 500ms).")
  var accumulatorTimeout: String = "10s"

  func validate() throws {
    guard WindowSpec.duration(accumulatorTimeout) != nil else {
      throw ValidationError("--accumulator-timeout takes a positive duration such as 10s or 500ms")
    }
  }
}

/// `fixed:60s`, `sliding:60s/10s` or `session:30s`.
struct WindowSpec: ExpressibleByArgument, Sendable {
  /// The aligned windows, for reduce and reducestream.
  var windowing: Windowing = .fixed(.seconds(60))
  /// The gap that closes a session, for session reduce.
  var sessionGap: Duration = .seconds(30)

  init(_ windowing: Windowing) { self.windowing = windowing }

  init?(argument: String) {
    let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { return nil }
    switch parts[0] {
    case "fixed":
      guard let length = Self.duration(parts[1]) else { return nil }
      windowing = .fixed(length)
    case "sliding":
      let sizes = parts[1].split(separator: "/").map(String.init)
      guard sizes.count == 2, let length = Self.duration(sizes[0]), let slide = Self.duration(sizes[1]) else {
        return nil
      }
      windowing = .sliding(length: length, slide: slide)
    case "session":
      guard let gap = Self.duration(parts[1]) else { return nil }
      sessionGap = gap
    default:
      return nil
    }
  }

  /// How `--help` shows the default: `fixed:60s; session:30s`.
  var defaultValueDescription: String {
    let windows =
      switch windowing {
      case .fixed(let length): "fixed:\(Self.text(length))"
      case .sliding(let length, let slide): "sliding:\(Self.text(length))/\(Self.text(slide))"
      }
    return "\(windows); session:\(Self.text(sessionGap))"
  }

  /// `duration` as this option writes it: whole seconds as `60s`, anything else in milliseconds.
  private static func text(_ duration: Duration) -> String {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
  }

  /// `500ms`, `60s`, `2m`, `1m30s`: a positive duration, in the syntax of the manifests.
  static func duration(_ text: String) -> Duration? {
    GoDuration.parse(text).flatMap { $0 > .zero ? $0 : nil }
  }
}
