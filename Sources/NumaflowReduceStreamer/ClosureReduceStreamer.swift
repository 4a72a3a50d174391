/// A ``ReduceStreamer`` made of a closure (see the core's `HandlerClosure`): what
/// `ReduceStreamServer { keys, datums, window, output in ... }` serves, and a value to pass
/// wherever a `ReduceStreamer` goes. It is called once per keyed window, so its local variables are
/// that window's state.
public typealias ClosureReduceStreamer = HandlerClosure<
  @Sendable (_ keys: [String], _ datums: Datums, _ window: Window, _ output: MessageWriter) async throws -> Void
>

extension HandlerClosure: ReduceStreamer where Function == ClosureReduceStreamer.Body {
  public func reduceStream(keys: [String], datums: Datums, window: Window, output: MessageWriter) async throws {
    try await body(keys, datums, window, output)
  }
}
