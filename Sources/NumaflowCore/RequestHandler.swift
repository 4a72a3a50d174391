import NIOPosix

/// A kind's handler as the stream loops see it: one wire request in, one wire response out.
///
/// The kind module builds the ``LocalHandler`` (user code plus conversions); the server core
/// decides where it runs (inline, on a thread pool, or in a worker process) according to the
/// ``ServerMode``, and hands the stream loop the result as a `RequestHandler`.
package struct RequestHandler<Request: Sendable, Response: Sendable>: Sendable {
  /// How errors name the handler: "map handler", "source transformer", ...
  package let name: String
  package let call: @Sendable (Request) async throws -> Response
  /// Set when the handler is synchronous and runs where it is called: the stream loop then
  /// runs it inline instead of in a child task, which saves a task per request.
  package let inline: (@Sendable (Request) throws -> Response)?
  /// Set when the handler is synchronous and runs on dedicated threads (sync mode): the stream
  /// loop hands requests to those threads directly, without a task per request, and the
  /// thread that ran one sends its response.
  package let offload: Offload?

  /// A synchronous handler and the threads it runs on.
  package struct Offload: Sendable {
    package let run: @Sendable (Request) throws -> Response
    package let threads: NIOThreadPool
  }

  package init(name: String, call: @escaping @Sendable (Request) async throws -> Response) {
    self.name = name
    self.call = call
    self.inline = nil
    self.offload = nil
  }

  package init(name: String, inline: @escaping @Sendable (Request) throws -> Response) {
    self.name = name
    self.call = { try inline($0) }
    self.inline = inline
    self.offload = nil
  }

  package init(name: String, running run: @escaping @Sendable (Request) throws -> Response, on threads: NIOThreadPool) {
    self.name = name
    self.call = { request in try await threads.runIfActive { try run(request) } }
    self.inline = nil
    self.offload = Offload(run: run, threads: threads)
  }
}

/// User code adapted to wire messages, in the shape the user wrote it.
package enum LocalHandler<Request: Sendable, Response: Sendable>: Sendable {
  /// An `async throws` handler: runs in child tasks.
  case async(@Sendable (Request) async throws -> Response)
  /// A plain `throws` handler: runs on dedicated threads so it may block.
  case sync(@Sendable (Request) throws -> Response)

  var isSync: Bool {
    if case .sync = self { true } else { false }
  }
}
