import NumaflowCore

/// What every test client is: it talks to one kind of server the way numa does, either served
/// in this process or running behind a Unix socket. Every client is made and scoped the same
/// way:
///
/// ```swift
/// // One call, one run of the server: the simplest test.
/// let outputs = try await MapTestClient(server: MapServer(mapper: EvenOdd())).map(datum)
///
/// // A conversation with one run of the server, as HummingbirdTesting's `app.test` holds one.
/// try await SourceServer(publishing: records).test { client in
///   let messages = try await client.read(count: 2)
///   try await client.ack(messages.map(\.offset))
/// }
///
/// // The same with a server binary already running, over one connection.
/// try await MapTestClient.test(socketPath: "/tmp/run/map.sock") { client in
///   #expect(try await client.isReady())
/// }
/// ```
public protocol TestClient: Sendable {
  /// The server this client talks to.
  associatedtype Server: NumaflowServer

  /// A client whose calls all go where `connection` leads. The kit makes connections; use
  /// ``init(server:runtimeDirectory:)``, ``init(socketPath:)`` or a `test` scope.
  init(_ connection: TestConnection)

  /// Where this client's calls go.
  var connection: TestConnection { get }
}

extension TestClient {
  /// Where this client's calls go, for the kit.
  package var target: TestTarget { connection.target }
}

/// Where a test client's calls go: opaque, made by the test kit.
public struct TestConnection: Sendable {
  package let target: TestTarget

  package init(_ target: TestTarget) {
    self.target = target
  }
}

extension TestClient {
  /// A client for `server`, served in this process for the duration of each call. A UDF
  /// failure is persisted under `runtimeDirectory` (a temporary directory by default).
  /// Multiprocess mode needs a real process: run the binary and use ``init(socketPath:)``.
  public init(server: Server, runtimeDirectory: String? = nil) {
    self.init(TestConnection(TestTarget(server, runtimeDirectory: runtimeDirectory)))
  }

  /// A client for a server listening on a Unix socket, such as `<dir>/map.sock`.
  public init(socketPath: String) {
    self.init(TestConnection(.socket(socketPath)))
  }

  /// Runs `body` with a client whose calls all reach one run of a server listening on
  /// `socketPath`, over one connection, as numa's calls do.
  public static func test<Result: Sendable>(
    socketPath: String, _ body: @Sendable @escaping (Self) async throws -> Result
  ) async throws -> Result {
    try await Self(socketPath: socketPath).withConnection(body)
  }

  /// Runs `body` with a client whose calls all reach one run of this client's server: in
  /// process, the server serves until `body` returns (so what the server itself keeps, such as
  /// a published sequence's records, lasts from one call to the next); over a socket, every
  /// call shares one connection.
  public func withConnection<Result: Sendable>(_ body: @Sendable @escaping (Self) async throws -> Result)
    async throws -> Result
  {
    try await connection.target.withConnection { try await body(Self(TestConnection($0))) }
  }

}

/// A server that has a test client: every kind's server.
public protocol TestableServer: NumaflowServer {
  associatedtype TestClient: NumaflowTesting.TestClient
}

extension TestableServer {
  /// Serves this server in this process while `body` holds a conversation with it through its
  /// test client, then stops it: the way to test what lasts between calls.
  ///
  /// ```swift
  /// try await ServingStoreServer(servingStore: InMemoryServingStore()).test { client in
  ///   try await client.put(id: "r1", payloads: [Payload(origin: "sink", value: Data("a".utf8))])
  ///   #expect(try await client.get(id: "r1").map(\.value) == [Data("a".utf8)])
  /// }
  /// ```
  public func test<Result: Sendable>(
    runtimeDirectory: String? = nil, _ body: @Sendable @escaping (TestClient) async throws -> Result
  ) async throws -> Result {
    try await TestTarget(self, runtimeDirectory: runtimeDirectory).withConnection {
      try await body(TestClient(TestConnection($0)))
    }
  }
}
