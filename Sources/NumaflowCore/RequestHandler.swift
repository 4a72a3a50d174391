import GRPCCore
import NIOPosix

/// User code adapted to wire messages, in the shape the user wrote it: what a kind gives the
/// placement layer.
package struct LocalHandler<Request: Sendable, Response: Sendable>: Sendable {
  package enum Body: Sendable {
    /// An `async throws` handler: runs in child tasks.
    case async(@Sendable (Request) async throws -> Response)
    /// A plain `throws` handler: runs inline, on dedicated threads, or in a worker's read loop.
    case sync(@Sendable (Request) throws -> Response)
  }

  /// How errors name the user's code: "map handler", "source transformer", ...
  package let name: String
  package private(set) var body: Body
  /// What its calls carry and answer, for spans and metrics; `nil` reports nothing.
  package private(set) var description: CallDescription<Request, Response>?
  /// How requests reach worker processes; `nil` for kinds with no multiprocess mode.
  package let codec: WorkerCodec<Request, Response>?
  /// For a handler of whole batches in multiprocess mode: shares each batch among the workers
  /// (``BatchSpread``) instead of giving it to one.
  package var spread:
    (
      @Sendable (Request, _ parts: Int, _ call: @escaping @Sendable (Request) async throws -> Response) async throws ->
        Response
    )?

  package init(
    name: String, codec: WorkerCodec<Request, Response>? = nil,
    async call: @escaping @Sendable (Request) async throws -> Response
  ) {
    self.name = name
    self.body = .async(call)
    self.codec = codec
    self.spread = nil
    self.description = nil
  }

  package init(
    name: String, codec: WorkerCodec<Request, Response>? = nil,
    sync call: @escaping @Sendable (Request) throws -> Response
  ) {
    self.name = name
    self.body = .sync(call)
    self.codec = codec
    self.spread = nil
    self.description = nil
  }

  /// This handler, with each batch shared among the workers in multiprocess mode.
  package func spreadingBatches<Item: Sendable, Answer: Sendable>() -> Self
  where Request == [Item], Response == [Answer] {
    var spreading = self
    spreading.spread = { batch, parts, call in try await BatchSpread(parts: parts).run(batch, call: call) }
    return spreading
  }

  /// This handler, with what its calls carry and answer described for spans and metrics.
  package func described(_ description: CallDescription<Request, Response>) -> Self {
    var described = self
    described.description = description
    return described
  }

  /// This handler, each call in a span when `telemetry` has a tracer (where the user's code
  /// runs: in this process, on a pool thread, or in a worker process).
  package func traced(_ telemetry: Telemetry) -> Self {
    guard let tracer = telemetry.tracer, let description else { return self }
    var traced = self
    switch body {
    case .async(let call):
      traced.body = .async { request in
        try await telemetry.withSpan(tracer: tracer, datums: description.datums(request), isBatch: description.isBatch)
        {
          try await call(request)
        }
      }
    case .sync(let call):
      traced.body = .sync { request in
        try telemetry.withSpan(tracer: tracer, datums: description.datums(request), isBatch: description.isBatch) {
          try call(request)
        }
      }
    }
    return traced
  }

  package var isSync: Bool {
    if case .sync = body { true } else { false }
  }
}

/// A kind's handler as the stream loops see it, placed where the mode says it runs: one wire
/// request in, one wire response out.
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
  /// Set when the handler runs in worker processes (multiprocess mode): the stream loop hands
  /// each request to a worker with a callback for its response, without a task per request
  /// (``WorkerPool/submit(_:completion:)``).
  package let submit: Submit?

  /// Hands a request on; the callback gets its response, or why there is none, exactly once.
  package typealias Submit =
    @Sendable (Request, _ completion: @escaping @Sendable (Result<Response, any Error>) -> Void) -> Void

  /// A synchronous handler and the threads it runs on, reached through a ``ThreadHandOff``.
  package struct Offload: Sendable {
    package let run: @Sendable (Request) throws -> Response
    package let handOff: ThreadHandOff
  }

  package init(name: String, call: @escaping @Sendable (Request) async throws -> Response) {
    self.name = name
    self.call = call
    self.inline = nil
    self.offload = nil
    self.submit = nil
  }

  /// A handler whose requests go to worker processes: `call` waits for an answer, `submit`
  /// calls back with it.
  package init(
    name: String, call: @escaping @Sendable (Request) async throws -> Response, submit: @escaping Submit
  ) {
    self.name = name
    self.call = call
    self.inline = nil
    self.offload = nil
    self.submit = submit
  }

  package init(name: String, inline: @escaping @Sendable (Request) throws -> Response) {
    self.name = name
    self.call = { try inline($0) }
    self.inline = inline
    self.offload = nil
    self.submit = nil
  }

  package init(name: String, running run: @escaping @Sendable (Request) throws -> Response, on handOff: ThreadHandOff) {
    self.name = name
    self.call = { request in try await handOff.threads.runIfActive { try run(request) } }
    self.inline = nil
    self.offload = Offload(run: run, handOff: handOff)
    self.submit = nil
  }

  /// This handler, each call counted and timed by `metrics` (in the server process, whatever
  /// the placement: a call to a worker process counts with its round trip).
  package func measured(_ metrics: HandlerMetrics?, _ description: CallDescription<Request, Response>?) -> Self {
    guard let metrics, let description else { return self }
    let size = description.count
    let outputs = description.outputs
    let sized = description.isBatch
    func measuring(_ run: @escaping @Sendable (Request) throws -> Response) -> @Sendable (Request) throws -> Response {
      { request in try metrics.measure(datums: size(request), sized: sized, outputs: outputs) { try run(request) } }
    }
    func measuring(_ submit: @escaping Submit) -> Submit {
      { request, completion in
        let started = metrics.begin(datums: size(request), sized: sized)
        submit(request) { outcome in
          switch outcome {
          case .success(let response): metrics.end(started, outputs: outputs(response))
          case .failure: metrics.fail(started)
          }
          completion(outcome)
        }
      }
    }
    let call = self.call
    return RequestHandler(
      name: name,
      call: { request in
        try await metrics.measure(datums: size(request), sized: sized, outputs: outputs) { try await call(request) }
      },
      inline: inline.map(measuring),
      offload: offload.map { Offload(run: measuring($0.run), handOff: $0.handOff) },
      submit: submit.map(measuring)
    )
  }

  private init(
    name: String, call: @escaping @Sendable (Request) async throws -> Response,
    inline: (@Sendable (Request) throws -> Response)?, offload: Offload?, submit: Submit?
  ) {
    self.name = name
    self.call = call
    self.inline = inline
    self.offload = offload
    self.submit = submit
  }
}

extension LocalHandler {
  /// Places the handler as `placement` says for as long as `body` runs: inline, on a pool of
  /// threads, as child tasks, or in worker processes (started before `body`, stopped after).
  package func placed<Value: Sendable>(
    _ placement: Placement,
    lifecycle: ServerLifecycle,
    body: @Sendable (RequestHandler<Request, Response>) async throws -> Value
  ) async throws -> Value {
    let telemetry = lifecycle.telemetry
    let (metrics, description) = (telemetry.metrics, self.description)
    // Spans wrap the user's code where it runs; in multiprocess mode, the worker makes them.
    let local = placement == .processes ? self : traced(telemetry)
    switch (placement, body: local.body) {
    case (.processes, _):
      guard let codec else { preconditionFailure("\(name): multiprocess placement without a worker codec") }
      let parts = lifecycle.configuration.workerCount
      return try await WorkerPool.withPool(lifecycle: lifecycle, codec: codec) { pool in
        if let spread {
          return try await body(
            RequestHandler(name: name) { try await spread($0, parts, pool.call) }.measured(metrics, description))
        }
        return try await body(
          RequestHandler(name: name, call: pool.call, submit: pool.submit).measured(metrics, description))
      }
    case (.threads, .sync(let call)):
      let threadCount = lifecycle.configuration.workerCount
      let threads = NIOThreadPool(numberOfThreads: threadCount)
      threads.start()
      let handOff = ThreadHandOff(threads: threads, threadCount: threadCount, eventLoop: lifecycle.eventLoops.first)
      let outcome: Result<Value, any Error>
      let placed = RequestHandler(name: name, running: call, on: handOff).measured(metrics, description)
      do { outcome = .success(try await body(placed)) } catch {
        outcome = .failure(error)
      }
      if lifecycle.forcedStop.isSignalled {
        // The grace period is over: a thread still blocked in the handler must not hold the exit.
        threads.shutdownGracefully { _ in }
      } else {
        try? await threads.shutdownGracefully()
      }
      return try outcome.get()
    case (_, .sync(let call)):
      return try await body(RequestHandler(name: name, inline: call).measured(metrics, description))
    case (_, .async(let call)):
      return try await body(RequestHandler(name: name, call: call).measured(metrics, description))
    }
  }
}

extension ServerHost {
  /// A host whose one service wraps one handler, placed where `mode` says: the shape of every
  /// kind whose calls are independent (map, source transform, batch map, stream map). In
  /// multiprocess mode, a kind with a `relay` serves numa through it instead of `service`.
  package init<Request: Sendable, Response: Sendable, Modes: ModeSet>(
    endpoint: Endpoint,
    configuration: ServerConfiguration,
    mode: ServerMode<Modes>,
    handler: LocalHandler<Request, Response>,
    relay: Relay? = nil,
    service: @escaping @Sendable (RequestHandler<Request, Response>, ServerLifecycle) -> any RegistrableRPCService
  ) {
    let placement = mode.placement(synchronousHandler: handler.isSync)
    var worker: (@Sendable (CInt) async throws -> Void)?
    if placement == .processes {
      worker = { descriptor in
        try await WorkerProcess.serve(
          descriptor: descriptor, handler: handler.traced(.current(kind: endpoint.kindName, mode: mode.name)),
          configuration: configuration)
      }
    }
    self.init(endpoint: endpoint, configuration: configuration, modeName: mode.name, worker: worker) {
      lifecycle, body in
      if placement == .processes, let relay {
        return try await WorkerDispatcher.withWorkers(lifecycle: lifecycle, command: .thisBinary) { dispatcher in
          try await body([relay.makeService(handler.name, dispatcher, lifecycle)])
        }
      }
      try await handler.placed(placement, lifecycle: lifecycle) { placed in
        try await body([service(placed, lifecycle)])
      }
    }
  }

  /// A host for a kind with an async handler and no modes (stream map, async batch map).
  package init<Request: Sendable, Response: Sendable>(
    endpoint: Endpoint,
    configuration: ServerConfiguration,
    handler: LocalHandler<Request, Response>,
    service: @escaping @Sendable (RequestHandler<Request, Response>, ServerLifecycle) -> any RegistrableRPCService
  ) {
    self.init(
      endpoint: endpoint, configuration: configuration, mode: ServerMode<OnlyAsync>.async, handler: handler,
      service: service)
  }
}

/// The one mode of a server that offers no choice.
package enum OnlyAsync: OffersAsyncMode {
  package static var names: [String] { ["async"] }
}
