#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Groups of key/value pairs travelling with a message: user metadata (yours to read and
/// write) or system metadata (the platform's; read-only).
///
/// ```swift
/// var metadata = MessageMetadata()
/// metadata["audit", "checked-by"] = Data("even-odd".utf8)
/// let checker = datum.userMetadata["audit", "checked-by"]
/// ```
public struct MessageMetadata: Sendable, Hashable {
  /// Group name → (key → value).
  public var groups: [String: [String: Data]]

  public init(_ groups: [String: [String: Data]] = [:]) {
    self.groups = groups
  }

  /// The value of `key` in `group`; setting `nil` removes it (and an emptied group).
  public subscript(group: String, key: String) -> Data? {
    get { groups[group]?[key] }
    set {
      groups[group, default: [:]][key] = newValue
      if groups[group]?.isEmpty == true { groups[group] = nil }
    }
  }

  /// The names of all groups, sorted.
  public var groupNames: [String] { groups.keys.sorted() }

  public var isEmpty: Bool { groups.isEmpty }
}
