/// A check numa would fail, or a usage problem: printed as is.
package struct ValidationFailure: Error, CustomStringConvertible {
  package let description: String
  package init(_ description: String) { self.description = description }
}
