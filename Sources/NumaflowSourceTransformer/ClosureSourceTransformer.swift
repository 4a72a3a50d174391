/// A ``SourceTransformer`` made of a closure (see the core's `HandlerClosure`): what
/// `SourceTransformServer { keys, datum in ... }` serves, and a value to pass wherever a
/// `SourceTransformer` goes.
public typealias ClosureSourceTransformer = HandlerClosure<
  @Sendable (_ keys: [String], _ datum: Datum) async throws -> [Message]
>

extension HandlerClosure: SourceTransformer where Function == ClosureSourceTransformer.Body {
  public func transform(keys: [String], datum: Datum) async throws -> [Message] {
    try await body(keys, datum)
  }
}
