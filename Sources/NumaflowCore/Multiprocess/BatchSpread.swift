/// How multiprocess mode shares one batch among the workers: the batch is cut into one
/// contiguous part per worker, the parts are handled at once, and their answers are joined
/// again in the batch's order. Each worker's handler sees only its part, as a smaller batch.
package struct BatchSpread<Item: Sendable, Answer: Sendable>: Sendable {
  /// How many parts a batch is cut into at most (the worker count).
  package let parts: Int

  package init(parts: Int) {
    self.parts = max(1, parts)
  }

  /// Cuts `batch` into at most ``parts`` contiguous, non-empty parts of nearly equal size.
  package func split(_ batch: [Item]) -> [ArraySlice<Item>] {
    let count = min(parts, batch.count)
    guard count > 1 else { return [batch[...]] }
    let (size, extra) = batch.count.quotientAndRemainder(dividingBy: count)
    var slices: [ArraySlice<Item>] = []
    var start = batch.startIndex
    for index in 0..<count {
      let end = start + size + (index < extra ? 1 : 0)
      slices.append(batch[start..<end])
      start = end
    }
    return slices
  }

  /// Handles `batch` with `call` per part, all parts at once, and joins the answers in order.
  /// The first part to fail fails the whole batch.
  package func run(
    _ batch: [Item],
    call: @escaping @Sendable ([Item]) async throws -> [Answer]
  ) async throws -> [Answer] {
    let slices = split(batch)
    if slices.count == 1 { return try await call(batch) }
    return try await withThrowingTaskGroup(of: (Int, [Answer]).self) { group in
      for (index, slice) in slices.enumerated() {
        group.addTask { (index, try await call(Array(slice))) }
      }
      var answers = [[Answer]](repeating: [], count: slices.count)
      for try await (index, part) in group { answers[index] = part }
      return answers.flatMap { $0 }
    }
  }
}
