/// A ``SideInputRetriever`` made of a closure (see the core's `HandlerClosure`): what
/// `SideInputServer { ... }` serves, and a value to pass wherever a `SideInputRetriever` goes.
public typealias ClosureSideInputRetriever = HandlerClosure<
  @Sendable () async throws -> SideInputValue
>

extension HandlerClosure: SideInputRetriever where Function == ClosureSideInputRetriever.Body {
  public func retrieve() async throws -> SideInputValue {
    try await body()
  }
}
