/// A batch map UDF with an `async` handler, served in async mode, the only one.
///
/// Receives each batch numa reads (up to its read batch size) whole, and answers every datum
/// by its `Datum.id`: exactly one ``BatchResponse`` per id, in any order.
/// The server checks this before answering numa; a missing, repeated or unknown id is a UDF
/// failure that names the ids (numa would otherwise re-send the batch forever).
///
/// ```swift
/// struct Flatmap: BatchMapper {
///   func mapBatch(_ datums: [Datum]) async throws -> [BatchResponse] {
///     datums.map { datum in
///       BatchResponse(id: datum.id, messages: String(decoding: datum.value, as: UTF8.self)
///         .split(separator: ",").map { Message(String($0)) })
///     }
///   }
/// }
/// await BatchMapServer(batchMapper: Flatmap()).runService()
/// ```
public protocol BatchMapper: Sendable {
  func mapBatch(_ datums: [Datum]) async throws -> [BatchResponse]
}

/// A batch map UDF with a plain, blocking handler: served in `.sync`
/// mode on a dedicated thread, or inline in `.async` mode.
public protocol SyncBatchMapper: Sendable {
  func mapBatch(_ datums: [Datum]) throws -> [BatchResponse]
}
