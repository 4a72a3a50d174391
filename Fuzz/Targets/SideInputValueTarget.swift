import Foundation
import NumaflowSideInput
import NumaflowTesting

extension FuzzTarget {
  /// A side input's file, written the way numa's synchronizer writes it, and read back through
  /// every built-in codec: the bytes arrive unchanged (no stale read from the cache of the last
  /// value), text decodes exactly when the bytes are UTF-8, and anything refused is refused as
  /// a ``SideInputError``.
  package static let sideInputValue = FuzzTarget(name: "side-input-value") { bytes in
    let value = Data(bytes)
    try SideInputValueDirectory.shared.set("value", to: value)
    let sideInputs = SideInputValueDirectory.shared.sideInputs

    let read = try sideInputs.latest("value", as: Data.self)
    try require(read == value, "read \(read.count) bytes back for \(value.count) written")

    let text = try? sideInputs.latest("value", as: String.self)
    let utf8 = String(validating: bytes, as: UTF8.self)
    try require(text == utf8, "the UTF-8 codec disagrees with the bytes' encoding")

    do {
      _ = try sideInputs.latest("value", as: [String: Int].self)
    } catch is SideInputError {
    } catch {
      throw FuzzViolation("the JSON codec refused with \(type(of: error)), not SideInputError")
    }
  }
}

/// One directory for the whole fuzzing process: each input replaces the value before.
private enum SideInputValueDirectory {
  static let shared: SideInputDirectory = {
    do {
      return try SideInputDirectory()
    } catch {
      fatalError("cannot make a temporary side-input directory: \(error)")
    }
  }()
}
