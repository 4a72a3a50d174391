import Synchronization

/// One key's input on a windowed stream: elements in arrival order for one reader, until
/// ``finish()``. What ``KeyedTasks`` feeds each key's task, and what ``Datums`` iterates.
///
/// An `AsyncStream` would do the same, but a window with 10,000 keys holds 10,000 of these,
/// each with a task suspended in ``next()`` for as long as the window is open. An
/// `AsyncStream` is three objects and a lock, and its `next()` nests a cancellation handler and
/// a continuation in the waiting task's frames; this is one object with one lock and a buffer
/// that goes when drained, and waits in one frame. Measured with 10,000 tasks that each wait in
/// a reducer-shaped chain of calls: 3.2 KB a task with an `AsyncStream`, 1.9 KB with this (the
/// task's frames fit its first allocator slab).
///
/// It does not end when its reader's task is cancelled: the stream that feeds it finishes every
/// key's input when it ends, cancelled or not (``serveKeyedTasks``).
package final class KeyedInput<Element: Sendable>: Sendable {
  private struct State: ~Copyable {
    /// Elements not read yet, from `head` on.
    var buffer: [Element] = []
    var head = 0
    var finished = false
    /// The reader, when it waits for an element.
    var reader: UnsafeContinuation<Element?, Never>?

    mutating func take() -> Element? {
      guard head < buffer.count else { return nil }
      let element = buffer[head]
      head += 1
      if head == buffer.count {
        // Drained: the buffer goes too (a waiting key keeps no storage; 10,000 keys, 1 MB).
        buffer = []
        head = 0
      } else if head >= 64 && head * 2 >= buffer.count {
        buffer.removeFirst(head)
        head = 0
      }
      return element
    }
  }

  private let state = Mutex(State())

  package init() {}

  /// Hands `element` to the reader, or buffers it until the reader asks. Does nothing once
  /// the input is finished.
  package func yield(_ element: Element) {
    let reader = state.withLock { state -> UnsafeContinuation<Element?, Never>? in
      guard !state.finished else { return nil }
      if let reader = state.reader {
        state.reader = nil
        return reader
      }
      state.buffer.append(element)
      return nil
    }
    reader?.resume(returning: element)
  }

  /// Ends the input: the reader gets what is buffered, then `nil`.
  package func finish() {
    let reader = state.withLock { state -> UnsafeContinuation<Element?, Never>? in
      state.finished = true
      defer { state.reader = nil }
      return state.reader
    }
    reader?.resume(returning: nil)
  }

  /// The next element, waiting for one; `nil` once the input is finished and read.
  ///
  /// One reader at a time: a second concurrent `next()` is a programming error, as for an
  /// `AsyncStream`, and stops the process with a message that says so.
  package func next() async -> Element? {
    // Without suspending when an element waits: the common case while numa sends faster than
    // the reader reads.
    let buffered = state.withLock { state -> Element?? in
      if let element = state.take() { return .some(element) }
      return state.finished ? .some(nil) : .none
    }
    if let buffered { return buffered }
    return await withUnsafeContinuation { (reader: UnsafeContinuation<Element?, Never>) in
      let ready = state.withLock { state -> Element?? in
        if let element = state.take() { return .some(element) }
        if state.finished { return .some(nil) }
        precondition(state.reader == nil, "a key's datums are read by one task at a time; two read them at once")
        state.reader = reader
        return .none
      }
      if let ready { reader.resume(returning: ready) }
    }
  }
}
