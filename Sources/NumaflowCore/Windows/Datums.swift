/// The data of one keyed window, session or key, as it arrives: an `AsyncSequence` of ``Datum``
/// that ends when numa closes the window. Every windowed kind (reducer, stream reducer, session
/// reducer, accumulator) receives its input as `Datums`; a batch kind, whose batch is whole
/// before the handler starts, receives `[Datum]` instead.
///
/// ```swift
/// var count = 0
/// for await _ in datums { count += 1 }
/// ```
public struct Datums: AsyncSequence, Sendable {
  public typealias Element = Datum
  public typealias Failure = Never

  private let stream: AsyncStream<Datum>

  package init(_ stream: AsyncStream<Datum>) {
    self.stream = stream
  }

  /// Datums from an array, for calling a handler directly in a unit test.
  public init(_ datums: [Datum]) {
    self.stream = AsyncStream { continuation in
      for datum in datums { continuation.yield(datum) }
      continuation.finish()
    }
  }

  public func makeAsyncIterator() -> AsyncStream<Datum>.Iterator {
    stream.makeAsyncIterator()
  }
}
