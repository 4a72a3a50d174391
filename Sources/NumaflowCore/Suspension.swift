/// The one way a task in this package parks until another task wakes it: a lock-guarded
/// continuation that a waker resumes, and that cancellation takes back.
///
/// `park` runs once, under the caller's own lock (it takes it), and either stores the
/// continuation where the waker will find it, or declines, and the task resumes at once. It must
/// decline when `Task.isCancelled`: cancellation sets that flag before `onCancel` runs, so a
/// continuation stored after `onCancel` looked would never be resumed. `onCancel` takes the
/// stored continuation back under the same lock and resumes it.
///
/// ```swift
/// await suspend { continuation in
///   state.withLock { state in
///     guard state.isEmpty, !Task.isCancelled else { return false }
///     state.waiter = continuation
///     return true
///   }
/// } onCancel: {
///   state.withLock { $0.takeWaiter() }?.resume()
/// }
/// ```
package func suspend(
  parking park: (CheckedContinuation<Void, Never>) -> Bool,
  onCancel: @Sendable () -> Void
) async {
  await suspend(parking: { park($0) ? nil : () }, onCancel: onCancel)
}

/// ``suspend(parking:onCancel:)`` for a waiter that receives a value: `park` returns the value
/// to resume with at once, or `nil` once it stored the continuation.
package func suspend<Value>(
  parking park: (CheckedContinuation<Value, Never>) -> Value?,
  onCancel: @Sendable () -> Void
) async -> Value {
  await withTaskCancellationHandler {
    await withCheckedContinuation { continuation in
      if let now = park(continuation) { continuation.resume(returning: now) }
    }
  } onCancel: {
    onCancel()
  }
}
