extension Sequence {
  /// The elements ordered by their keys (`[String]`, compared element by element), those with
  /// equal keys in their original order: how a client lists what concurrent keyed tasks sent.
  package func orderedByKeys(_ keys: (Element) -> [String]) -> [Element] {
    enumerated().sorted { lhs, rhs in
      let (left, right) = (keys(lhs.element), keys(rhs.element))
      return left == right ? lhs.offset < rhs.offset : left.lexicographicallyPrecedes(right)
    }.map(\.element)
  }
}
