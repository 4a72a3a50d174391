/// What `numaflow-dev init` writes for one kind: the handler, how the server starts, a test, a
/// sample input and the manifest's vertex. Every file that does not depend on the kind is in
/// `Scaffold.swift`.
struct ScaffoldTemplate {
  /// The kind's name on the command line, as for `run`.
  let kind: String
  /// The SDK product the handler imports.
  let product: String
  /// `Handler.swift` in the library target, with `MODULE` for the module's name.
  let handler: String
  /// The executable's `main.swift`.
  let main: String
  /// The Swift Testing test of the handler.
  let test: String
  /// `input.jsonl`.
  let input: String
  /// The pipeline's vertices, with `IMAGE` for the image.
  let vertices: String

  static let all: [ScaffoldTemplate] = [.map, .sink, .reduce]

  static let map = ScaffoldTemplate(
    kind: "map", product: "NumaflowMapper",
    handler: """
      import Foundation
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
      import MODULE
      import NumaflowMapper

      // `--mode async|multiprocess` picks where the handler runs (default async).
      try await MapServer(mode: .commandLine(), mapper: Handler()).run()

      """,
    test: """
      import Foundation
      import MODULE
      import NumaflowMapper
      import NumaflowTesting
      import Testing

      @Test func upperCasesTheText() async throws {
        let client = MapTestClient(server: MapServer(mapper: Handler()))
        let outputs = try await client.map(Datum(keys: ["k"], value: Data("hello".utf8)))
        #expect(outputs == [Message("HELLO", keys: ["k"])])
      }

      """,
    input: """
      {"keys": ["k"], "value": "hello"}
      {"value": "world"}

      """,
    vertices: """
          - name: in
            source:
              http: {}
          - name: udf
            udf:
              container:
                image: IMAGE
                imagePullPolicy: IfNotPresent
          - name: out
            sink:
              log: {}
        edges:
          - from: in
            to: udf
          - from: udf
            to: out

      """
  )

  static let sink = ScaffoldTemplate(
    kind: "sink", product: "NumaflowSinker",
    handler: """
      import Foundation
      import NumaflowSinker

      /// Prints each message and answers it "ok". Replace with a write to your system.
      public struct Handler: Sinker {
        public init() {}

        public func sink(_ datums: Datums) async throws -> [Response] {
          var responses: [Response] = []
          for await datum in datums {
            print(String(decoding: datum.value, as: UTF8.self))
            responses.append(.ok(datum.id))
          }
          return responses
        }
      }

      """,
    main: """
      import MODULE
      import NumaflowSinker

      // `--mode async|multiprocess` picks where the handler runs (default async).
      try await SinkServer(mode: .commandLine(), sinker: Handler()).run()

      """,
    test: """
      import Foundation
      import MODULE
      import NumaflowSinker
      import NumaflowTesting
      import Testing

      @Test func everyMessageIsWritten() async throws {
        let client = SinkTestClient(server: SinkServer(sinker: Handler()))
        let responses = try await client.sink(.fixtures("a", "b"))
        #expect(responses.map(\\.status) == [.ok, .ok])
      }

      """,
    input: """
      {"keys": ["k"], "value": "hello"}
      {"value": "world"}

      """,
    vertices: """
          - name: in
            source:
              http: {}
          - name: out
            sink:
              udsink:
                container:
                  image: IMAGE
                  imagePullPolicy: IfNotPresent
        edges:
          - from: in
            to: out

      """
  )

  static let reduce = ScaffoldTemplate(
    kind: "reduce", product: "NumaflowReducer",
    handler: """
      import Foundation
      import NumaflowReducer

      /// Counts each keyed window's messages. Replace with your aggregation.
      public struct Handler: Reducer {
        public init() {}

        public func reduce(keys: [String], datums: Datums, window: Window) async throws -> [Message] {
          var count = 0
          for await _ in datums { count += 1 }
          return [Message(String(count), keys: keys)]
        }
      }

      """,
    main: """
      import MODULE
      import NumaflowReducer

      try await ReduceServer { Handler() }.run()

      """,
    test: """
      import Foundation
      import MODULE
      import NumaflowReducer
      import NumaflowTesting
      import Testing

      @Test func countsEachKeyedWindow() async throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let datums = [0, 10, 70].map { Datum(keys: ["k"], value: Data("x".utf8), eventTime: start + Double($0)) }
        let outputs = try await ReduceTestClient(server: ReduceServer { Handler() })
          .reduce(datums, windowing: .fixed(.seconds(60)))
        #expect(outputs.map(\\.message.value) == [Data("2".utf8), Data("1".utf8)])
      }

      """,
    input: """
      {"keys": ["k"], "value": "a", "event_time": "2026-01-01T00:00:00Z"}
      {"keys": ["k"], "value": "b", "event_time": "2026-01-01T00:00:10Z"}
      {"keys": ["k"], "value": "c", "event_time": "2026-01-01T00:01:10Z"}

      """,
    vertices: """
          - name: in
            source:
              http: {}
          - name: udf
            udf:
              container:
                image: IMAGE
                imagePullPolicy: IfNotPresent
              groupBy:
                window:
                  fixed:
                    length: 60s
                keyed: true
                storage:
                  persistentVolumeClaim:
                    volumeSize: 1Gi
                    accessMode: ReadWriteOnce
          - name: out
            sink:
              log: {}
        edges:
          - from: in
            to: udf
          - from: udf
            to: out

      """
  )
}
