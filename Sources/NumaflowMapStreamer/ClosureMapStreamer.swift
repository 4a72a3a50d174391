/// A ``MapStreamer`` made of a closure (see the core's `HandlerClosure`): what `MapStreamServer {
/// keys, datum, output in ... }` serves, and a value to pass wherever a `MapStreamer` goes.
public typealias ClosureMapStreamer = HandlerClosure<
  @Sendable (_ keys: [String], _ datum: Datum, _ output: MessageWriter) async throws -> Void
>

extension HandlerClosure: MapStreamer where Function == ClosureMapStreamer.Body {
  public func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws {
    try await body(keys, datum, output)
  }
}
