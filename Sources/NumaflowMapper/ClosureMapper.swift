/// A ``Mapper`` made of a closure (see the core's `HandlerClosure`): what `MapServer { keys, datum
/// in ... }` serves, and a value to pass wherever a `Mapper` goes.
public typealias ClosureMapper = HandlerClosure<
  @Sendable (_ keys: [String], _ datum: Datum) async throws -> [Message]
>

extension HandlerClosure: Mapper where Function == ClosureMapper.Body {
  public func map(keys: [String], datum: Datum) async throws -> [Message] {
    try await body(keys, datum)
  }
}
