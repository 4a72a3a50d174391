/// An ``Accumulator`` made of a closure (see the core's `HandlerClosure`): what `AccumulatorServer
/// { keys, datums, output in ... }` serves, and a value to pass wherever an `Accumulator` goes. It
/// is called once per key combination, so its local variables are that key's state.
public typealias ClosureAccumulator = HandlerClosure<
  @Sendable (_ keys: [String], _ datums: Datums, _ output: MessageWriter) async throws -> Void
>

extension HandlerClosure: Accumulator where Function == ClosureAccumulator.Body {
  public func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws {
    try await body(keys, datums, output)
  }
}
