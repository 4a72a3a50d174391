/// A ``BatchMapper`` made of a closure (see the core's `HandlerClosure`): what `BatchMapServer {
/// datums in ... }` serves, and a value to pass wherever a `BatchMapper` goes.
public typealias ClosureBatchMapper = HandlerClosure<
  @Sendable (_ datums: [Datum]) async throws -> [BatchResponse]
>

extension HandlerClosure: BatchMapper where Function == ClosureBatchMapper.Body {
  public func mapBatch(_ datums: [Datum]) async throws -> [BatchResponse] {
    try await body(datums)
  }
}
