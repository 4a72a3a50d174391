import Foundation

extension Duration {
  /// The duration in seconds, as `Date` arithmetic and rates take it.
  package var timeInterval: TimeInterval {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
