/// A ``Reducer`` made of a closure (see the core's `HandlerClosure`): what `ReduceServer { keys,
/// datums, window in ... }` serves, and a value to pass wherever a `Reducer` goes. It is called
/// once per keyed window, so its local variables are that window's state.
public typealias ClosureReducer = HandlerClosure<
  @Sendable (_ keys: [String], _ datums: Datums, _ window: Window) async throws -> [Message]
>

extension HandlerClosure: Reducer where Function == ClosureReducer.Body {
  public func reduce(keys: [String], datums: Datums, window: Window) async throws -> [Message] {
    try await body(keys, datums, window)
  }
}
