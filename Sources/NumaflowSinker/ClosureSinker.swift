/// A ``Sinker`` made of a closure (see the core's `HandlerClosure`): what `SinkServer { datums in
/// ... }` serves, and a value to pass wherever a `Sinker` goes.
public typealias ClosureSinker = HandlerClosure<
  @Sendable (_ datums: [Datum]) async throws -> [Response]
>

extension HandlerClosure: Sinker where Function == ClosureSinker.Body {
  public func sink(_ datums: [Datum]) async throws -> [Response] {
    try await body(datums)
  }
}
