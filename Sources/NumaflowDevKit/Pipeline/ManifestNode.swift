import Foundation
import Yams

/// One mapping of a manifest, read field by field. Every field read is marked as understood;
/// whatever is never read is what the local runner does not model, and ``ManifestFields``
/// names it so a run never ignores part of a manifest silently.
struct ManifestNode {
  let mapping: Node.Mapping
  /// Where this mapping is, as a person reads it: `spec.vertices[counter].udf`.
  let path: String
  let fields: ManifestFields

  /// The field's node, marked as read.
  private func node(_ key: String) -> Node? {
    guard let node = mapping[key] else { return nil }
    fields.read.insert(child(key))
    return node
  }

  func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// Whether the field is present (an empty mapping such as `log: {}` counts), marked as read.
  func has(_ key: String) -> Bool { node(key) != nil }

  func string(_ key: String) throws -> String? {
    guard let node = node(key) else { return nil }
    guard case .scalar(let scalar) = node else { throw wrongType(key, "a string") }
    return scalar.string
  }

  func int(_ key: String) throws -> Int? {
    guard let node = node(key) else { return nil }
    guard let value = node.int else { throw wrongType(key, "a whole number") }
    return value
  }

  func double(_ key: String) throws -> Double? {
    guard let node = node(key) else { return nil }
    guard let value = node.float else { throw wrongType(key, "a number") }
    return value
  }

  func bool(_ key: String) throws -> Bool? {
    guard let node = node(key) else { return nil }
    guard let value = node.bool else { throw wrongType(key, "true or false") }
    return value
  }

  /// A Kubernetes duration (`60s`, `1m30s`, `500ms`).
  func duration(_ key: String) throws -> Duration? {
    guard let text = try string(key) else { return nil }
    guard let duration = GoDuration.parse(text) else {
      throw ValidationFailure("\(child(key)): '\(text)' is not a duration such as 500ms, 60s or 1m30s")
    }
    return duration
  }

  func strings(_ key: String) throws -> [String]? {
    guard let node = node(key) else { return nil }
    guard case .sequence(let sequence) = node else { throw wrongType(key, "a list of strings") }
    return try sequence.map { element in
      guard case .scalar(let scalar) = element else { throw wrongType(key, "a list of strings") }
      return scalar.string
    }
  }

  func map(_ key: String) throws -> ManifestNode? {
    guard let node = node(key) else { return nil }
    if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" {
      // `log:` with nothing after it is an empty mapping, as Kubernetes reads it.
      return ManifestNode(mapping: Node.Mapping([]), path: child(key), fields: fields)
    }
    guard case .mapping(let mapping) = node else { throw wrongType(key, "a mapping") }
    return ManifestNode(mapping: mapping, path: child(key), fields: fields)
  }

  /// A list of mappings, each named in paths by its `name` field when it has one.
  func list(_ key: String) throws -> [ManifestNode] {
    guard let node = node(key) else { return [] }
    guard case .sequence(let sequence) = node else { throw wrongType(key, "a list") }
    return try sequence.enumerated().map { index, element in
      guard case .mapping(let mapping) = element else { throw wrongType(key, "a list of mappings") }
      let label = mapping["name"]?.string ?? String(index)
      return ManifestNode(mapping: mapping, path: "\(child(key))[\(label)]", fields: fields)
    }
  }

  /// Marks a field as understood and deliberately without effect in a local run, saying why.
  func ignore(_ key: String, because reason: String) {
    guard mapping[key] != nil else { return }
    fields.read.insert(child(key))
    fields.ignored.append("\(child(key)): \(reason)")
    fields.wholesale.insert(child(key))
  }

  /// Marks a field and everything under it as read (a container's settings the runner passes on
  /// or has no use for).
  func readWhole(_ key: String) {
    guard mapping[key] != nil else { return }
    fields.read.insert(child(key))
    fields.wholesale.insert(child(key))
  }

  func required(_ key: String) throws -> String {
    guard let value = try string(key), !value.isEmpty else {
      throw ValidationFailure("\(child(key)) is missing")
    }
    return value
  }

  private func wrongType(_ key: String, _ expected: String) -> ValidationFailure {
    ValidationFailure("\(child(key)) must be \(expected)")
  }
}

/// What a reading of a manifest understood, ignored on purpose, and never read.
final class ManifestFields {
  var read: Set<String> = []
  var wholesale: Set<String> = []
  var ignored: [String] = []

  /// The paths of the fields present in `node` (at `path`) that nothing read.
  func unread(in node: Node, path: String) -> [String] {
    guard !wholesale.contains(path) else { return [] }
    switch node {
    case .mapping(let mapping):
      return mapping.flatMap { key, value -> [String] in
        let name = key.string ?? "?"
        let child = path.isEmpty ? name : "\(path).\(name)"
        return read.contains(child) ? unread(in: value, path: child) : [child]
      }
    case .sequence(let sequence):
      return sequence.enumerated().flatMap { index, element in
        let label = element.mapping?["name"]?.string ?? String(index)
        return unread(in: element, path: "\(path)[\(label)]")
      }
    default:
      return []
    }
  }
}

/// Go's duration syntax, as Kubernetes writes `metav1.Duration`: `1h2m3.5s`, `300ms`, `10us`.
package enum GoDuration {
  package static func parse(_ text: String) -> Duration? {
    let units: [(String, Double)] = [
      ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]
    var rest = Substring(text.trimmingCharacters(in: .whitespaces))
    guard !rest.isEmpty else { return nil }
    if rest == "0" { return .zero }
    var seconds = 0.0
    while !rest.isEmpty {
      let number = rest.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, let value = Double(number) else { return nil }
      rest = rest.dropFirst(number.count)
      let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
      // "ms" before "m" and "s": match the whole run of letters.
      guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
      rest = rest.dropFirst(unitText.count)
      seconds += value * unit.1
    }
    return .nanoseconds(Int64((seconds * 1e9).rounded()))
  }
}
