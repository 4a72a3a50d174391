// A package protocol's extension method, pre-specialized with @_specialize(exported: true),
// that satisfies a refined package protocol's requirement and calls a generic function.

public struct Stamp {
  public var seconds = 0
  public init() {}
}

public struct First {
  public var start: Stamp? = nil
  public init() {}
}

public struct Second {
  public var start: Stamp? = nil
  public init() {}
}

package protocol Part {
  func encodedSize() -> Int?
}

extension Stamp: Part {
  package func encodedSize() -> Int? { seconds == 0 ? nil : 8 }
}

package func sizeOf(_ part: some Part) -> Int? {
  part.encodedSize().map { $0 + 2 }
}

package protocol Window: Part {
  var start: Stamp? { get }
}

// With only Second conforming, the program links.
extension First: Window {}
extension Second: Window {}

extension Window {
  // Declared `public` (and the protocols too), the program links.
  @_specialize(exported:true,where Self == Second)
  package func encodedSize() -> Int? {
    guard let start else { return 0 }
    return sizeOf(start)
  }
}
