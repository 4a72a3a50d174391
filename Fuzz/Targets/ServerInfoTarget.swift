import Foundation
import NumaflowCore
import NumaflowDevKit

extension FuzzTarget {
  /// `numaflow-dev check`'s reading of a server-info file. The first byte picks the file's
  /// name (each container type numa knows, and one it does not); the rest is the file. A file
  /// is accepted with a summary, or refused with a message that names it.
  package static let serverInfo = FuzzTarget(name: "server-info") { bytes in
    guard let first = bytes.first else { return }
    let types = [
      ContainerType.mapper, .sourceTransformer, .sourcer, .sinker, .fallbackSinker, .onSuccessSinker, .reducer,
      .reduceStreamer, .sessionReducer, .accumulator, .sideInput, .serving,
    ].map(\.name)
    let type = Int(first) < types.count ? types[Int(first)] : "unknown"
    let path = "/var/run/numaflow/\(type)-server-info"
    do {
      let check = try ServerInfoCheck(path: path, contents: Data(bytes.dropFirst()))
      try require(!check.summary.isEmpty && !check.socketFileName.isEmpty, "an accepted file with no summary")
    } catch let failure as ValidationFailure {
      try require(failure.description.hasPrefix(path), "a refusal that does not name the file: \(failure.description)")
    }
  }
}
