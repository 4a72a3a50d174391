import Foundation
import NumaflowCore

extension [Datum] {
  /// Datums with these UTF-8 values, and `keys`, for unit tests: `.fixtures("a", "b")`.
  /// Their ids are `datum-0`, `datum-1`, …; a test client sends them under its own ids.
  public static func fixtures(_ values: String..., keys: [String] = []) -> [Datum] {
    values.enumerated().map { Datum(id: "datum-\($0)", keys: keys, value: Data($1.utf8)) }
  }
}
