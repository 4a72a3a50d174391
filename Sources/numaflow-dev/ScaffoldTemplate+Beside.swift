/// The containers beside a pipeline's vertices: a side-input retriever and a serving store.
extension ScaffoldTemplate {
  static let sideinput = ScaffoldTemplate(
    kind: "sideinput", product: "NumaflowSideInput",
    handler: """
      import FoundationEssentials
      import NumaflowSideInput

      /// Broadcasts the time of each call to every vertex that reads the side input. Replace
      /// with a read of your configuration, model version or feature flags; return
      /// `.noBroadcast` to keep the current value.
      public struct Handler: SideInputRetriever {
        public init() {}

        public func retrieve() async throws -> SideInputValue {
          .broadcast(Data("refreshed at \\(Date().timeIntervalSince1970)".utf8))
        }
      }

      """,
    main: """
      await SideInputServer(sideInputRetriever: Handler()).runService()

      """,
    test: """
      @Test func broadcastsOnEveryCall() async throws {
        let client = SideInputTestClient(server: SideInputServer(sideInputRetriever: Handler()))
        guard case .broadcast(let value) = try await client.retrieve() else {
          Issue.record("the retriever did not broadcast")
          return
        }
        #expect(String(decoding: value, as: UTF8.self).hasPrefix("refreshed at "))
      }

      """,
    input: nil, runOptions: "--count 2",
    pipelineInput: """
      {"value": "hello"}
      {"keys": ["k"], "value": "side inputs"}

      """,
    spec: pipeline(
      through: """
              udf:
                builtin:
                  name: cat
              sideInputs:
                - NAME
        """,
      sideInputs: """
            - name: NAME
              container:
                image: IMAGE
                imagePullPolicy: IfNotPresent
              trigger:
                schedule: "0 */2 * * * *"
        """)
  )

  static let serving = ScaffoldTemplate(
    kind: "serving", product: "NumaflowServingStore",
    handler: """
      import FoundationEssentials
      import NumaflowServingStore
      import Synchronization

      /// Keeps every payload in memory, appending what each put brings for an id. Replace with
      /// a store your replicas share (a database, a cache), or use `InMemoryServingStore`,
      /// which is bounded.
      public final class Handler: ServingStore {
        private let payloads = Mutex([String: [Payload]]())

        public init() {}

        public func put(id: String, payloads new: [Payload]) async throws {
          payloads.withLock { $0[id, default: []].append(contentsOf: new) }
        }

        public func get(id: String) async throws -> [Payload] {
          payloads.withLock { $0[id] ?? [] }
        }
      }

      """,
    main: """
      await ServingStoreServer(servingStore: Handler()).runService()

      """,
    test: """
      @Test func getReturnsEverythingPutForTheID() async throws {
        let client = ServingStoreTestClient(server: ServingStoreServer(servingStore: Handler()))
        try await client.withConnection { client in
          try await client.put(id: "req-1", payloads: [Payload(origin: "sink", value: Data("a".utf8))])
          try await client.put(id: "req-1", payloads: [Payload(origin: "sink", value: Data("b".utf8))])
          #expect(try await client.get(id: "req-1").map(\\.value) == [Data("a".utf8), Data("b".utf8)])
        }
      }

      """,
    input: """
      {"put": "req-1", "payloads": [{"origin": "serve-sink", "value": "hello"}]}
      {"get": "req-1"}

      """,
    runOptions: "", manifestKind: "ServingPipeline",
    pipelineInput: """
      {"value": "hello", "headers": {"X-Numaflow-Id": "req-1"}}

      """,
    pipelineSource: "serving-in",
    spec: """
      spec:
        serving:
          service: true
          msgIDHeaderKey: "X-Numaflow-Id"
          store:
            container:
              image: IMAGE
              imagePullPolicy: IfNotPresent
        pipeline:
          vertices:
            - name: serving-in
              source:
                serving: {}
            - name: cat
              udf:
                builtin:
                  name: cat
            - name: serve-sink
              sink:
                serve: {}
          edges:
            - from: serving-in
              to: cat
            - from: cat
              to: serve-sink

      """
  )
}
