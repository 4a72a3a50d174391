/// The data of one keyed window, session or key, as it arrives: an `AsyncSequence` of ``Datum``
/// that ends when numa closes the window. Every windowed kind (reducer, stream reducer, session
/// reducer, accumulator) receives its input as `Datums`; a batch kind, whose batch is whole
/// before the handler starts, receives `[Datum]` instead.
///
/// ```swift
/// var count = 0
/// for await _ in datums { count += 1 }
/// ```
///
/// One task reads a key's datums: iterating them from two tasks at once stops the process, as
/// an `AsyncStream` does.
public struct Datums: AsyncSequence, Sendable {
  public typealias Element = Datum
  public typealias Failure = Never

  private let input: KeyedInput<Datum>

  package init(_ input: KeyedInput<Datum>) {
    self.input = input
  }

  /// Datums from an array, for calling a handler directly in a unit test.
  public init(_ datums: [Datum]) {
    input = KeyedInput()
    for datum in datums { input.yield(datum) }
    input.finish()
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(input: input)
  }

  /// Reads the datums in order of arrival.
  public struct AsyncIterator: AsyncIteratorProtocol {
    private let input: KeyedInput<Datum>

    fileprivate init(input: KeyedInput<Datum>) {
      self.input = input
    }

    /// The next datum, waiting for it; `nil` once the window is closed and every datum read.
    public mutating func next() async -> Datum? {
      // A strong reference of its own for the wait: with `next()` non-mutating and the input
      // read from `self`, a release build (Swift 6.3.1) freed the input while a reducer's task
      // waited in it, under a 10,000-key window.
      let input = self.input
      return await input.next()
    }
  }
}
