/// Waits until `condition` holds, checking it again each time the task yields: for a state
/// that another task reaches on its own, with no event to wait on (a pump that pulled what it
/// may, a count that settles), so a test waits for the state itself rather than for a fixed time.
///
/// - Throws: ``ConditionNotReached`` when it does not hold within `limit`, and
///   `CancellationError` when the task is cancelled.
///
/// ```swift
/// try await eventually { try await client.pending() == 3 }
/// ```
package func eventually(
  within limit: Duration = .seconds(10),
  _ condition: () async throws -> Bool
) async throws {
  let deadline = ContinuousClock.now + limit
  while try await !condition() {
    try Task.checkCancellation()
    guard ContinuousClock.now < deadline else { throw ConditionNotReached(limit: limit) }
    await Task.yield()
  }
}

/// The state ``eventually(within:_:)`` waited for did not come.
package struct ConditionNotReached: Error, CustomStringConvertible {
  package let limit: Duration
  package var description: String { "the condition did not hold within \(limit)" }
}
