/// The map family: map, stream map, batch map and source transformer.
extension ScaffoldTemplate {
  static let mapInput = """
    {"keys": ["k"], "value": "hello"}
    {"value": "world"}

    """

  static let map = ScaffoldTemplate(
    kind: "map", product: "NumaflowMapper",
    handler: """
      import FoundationEssentials
      import NumaflowMapper

      /// Upper-cases each message's text and keeps its keys. Replace with your logic.
      public struct Handler: Mapper {
        public init() {}

        public func map(keys: [String], datum: Datum) async throws -> [Message] {
          [Message(String(decoding: datum.value, as: UTF8.self).uppercased(), keys: keys)]
        }
      }

      """,
    main: """
      // `--mode async|multiprocess` picks where the handler runs (default async).
      try await MapServer(mode: .commandLine(), mapper: Handler()).runService()

      """,
    test: """
      @Test func upperCasesTheText() async throws {
        let client = MapTestClient(server: MapServer(mapper: Handler()))
        let outputs = try await client.map(Datum(keys: ["k"], value: Data("hello".utf8)))
        #expect(outputs == [Message("HELLO", keys: ["k"])])
      }

      """,
    input: mapInput, runOptions: "",
    spec: pipeline(through: udfVertex)
  )

  static let mapstream = ScaffoldTemplate(
    kind: "mapstream", product: "NumaflowMapStreamer",
    handler: """
      import FoundationEssentials
      import NumaflowMapStreamer

      /// Sends each word of a message's text as its own message, as soon as it is found.
      /// Replace with your logic.
      public struct Handler: MapStreamer {
        public init() {}

        public func mapStream(keys: [String], datum: Datum, output: MessageWriter) async throws {
          for word in datum.value.split(separator: UInt8(ascii: " ")) {
            try await output.write(Message(Data(word), keys: keys))
          }
        }
      }

      """,
    main: """
      await MapStreamServer(mapStreamer: Handler()).runService()

      """,
    test: """
      @Test func sendsEachWord() async throws {
        let client = MapStreamTestClient(server: MapStreamServer(mapStreamer: Handler()))
        let outputs = try await client.mapStream(Datum(keys: ["k"], value: Data("hello stream".utf8)))
        #expect(outputs == [Message("hello", keys: ["k"]), Message("stream", keys: ["k"])])
      }

      """,
    input: """
      {"keys": ["k"], "value": "hello stream"}
      {"value": "one"}

      """,
    runOptions: "",
    spec: pipeline(through: udfVertex)
  )

  static let batchmap = ScaffoldTemplate(
    kind: "batchmap", product: "NumaflowBatchMapper",
    handler: """
      import FoundationEssentials
      import NumaflowBatchMapper

      /// Upper-cases every message of a batch, answering each by its id. Replace with your
      /// logic: a batch is the place for one bulk call to another system.
      public struct Handler: BatchMapper {
        public init() {}

        public func mapBatch(_ datums: [Datum]) async throws -> [BatchResponse] {
          datums.map { datum in
            let text = String(decoding: datum.value, as: UTF8.self).uppercased()
            return BatchResponse(id: datum.id, messages: [Message(text, keys: datum.keys)])
          }
        }
      }

      """,
    main: """
      await BatchMapServer(batchMapper: Handler()).runService()

      """,
    test: """
      @Test func answersEveryMessageOfTheBatch() async throws {
        let client = BatchMapTestClient(server: BatchMapServer(batchMapper: Handler()))
        let outputs = try await client.mapBatch(.fixtures("a", "b", keys: ["k"]))
        #expect(outputs == [[Message("A", keys: ["k"])], [Message("B", keys: ["k"])]])
      }

      """,
    input: mapInput, runOptions: "",
    spec: pipeline(through: udfVertex)
  )

  static let transformer = ScaffoldTemplate(
    kind: "transformer", product: "NumaflowSourceTransformer",
    handler: """
      import FoundationEssentials
      import NumaflowSourceTransformer

      /// Drops empty messages and stamps the others with the time they were seen, which
      /// windows downstream then use. Replace with your logic (parse the event time out of the
      /// payload, for instance).
      public struct Handler: SourceTransformer {
        public init() {}

        public func transform(keys: [String], datum: Datum) async throws -> [Message] {
          if datum.value.isEmpty { return [.drop(eventTime: datum.eventTime)] }
          return [Message(datum.value, eventTime: Date(), keys: keys)]
        }
      }

      """,
    main: """
      // `--mode async|multiprocess` picks where the handler runs (default async).
      try await SourceTransformServer(mode: .commandLine(), sourceTransformer: Handler()).runService()

      """,
    test: """
      @Test func dropsEmptyMessagesAndKeepsTheRest() async throws {
        let client = SourceTransformTestClient(server: SourceTransformServer(sourceTransformer: Handler()))
        let outputs = try await client.transform([Datum(value: Data()), Datum(keys: ["k"], value: Data("x".utf8))])
        #expect(outputs[0].map(\\.isDrop) == [true])
        #expect(outputs[1].map(\\.value) == [Data("x".utf8)])
      }

      """,
    input: """
      {"keys": ["k"], "value": "hello", "event_time": "2026-01-01T00:00:00Z"}
      {"value": ""}

      """,
    runOptions: "",
    spec: pipeline(
      from: """
                http: {}
                transformer:
                  container:
                    image: IMAGE
                    imagePullPolicy: IfNotPresent
        """)
  )
}
