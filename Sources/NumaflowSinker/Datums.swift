/// One batch of a sink's input, as an `AsyncSequence` of `Datum`.
///
/// ```swift
/// for await datum in datums { … }
/// ```
///
/// The batch is complete when the handler is called (numa sends a batch, then waits for its
/// answers), so iterating never waits and never fails, and ``count`` is known up front. In a
/// unit test, make one from an array: `Datums([Datum(value: Data("x".utf8))])`.
public struct Datums: AsyncSequence, Sendable {
  public typealias Element = Datum
  public typealias Failure = Never

  private let datums: [Datum]

  public init(_ datums: [Datum]) {
    self.datums = datums
  }

  /// How many datums the batch holds.
  public var count: Int { datums.count }

  /// The batch as an array.
  public var all: [Datum] { datums }

  public func makeAsyncIterator() -> Iterator {
    Iterator(base: datums.makeIterator())
  }

  public struct Iterator: AsyncIteratorProtocol {
    var base: IndexingIterator<[Datum]>

    public mutating func next() async -> Datum? { base.next() }

    public mutating func next(isolation actor: isolated (any Actor)?) async -> Datum? { base.next() }
  }
}
