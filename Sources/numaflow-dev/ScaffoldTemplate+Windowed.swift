/// The windowed kinds: reduce, stream reduce, session reduce and the accumulator.
extension ScaffoldTemplate {
  static let windowedInput = """
    {"keys": ["k"], "value": "a", "event_time": "2026-01-01T00:00:00Z"}
    {"keys": ["k"], "value": "b", "event_time": "2026-01-01T00:00:10Z"}
    {"keys": ["k"], "value": "c", "event_time": "2026-01-01T00:01:10Z"}

    """

  /// A keyed reduce vertex's body, with `window` (YAML lines) under its `groupBy.window`.
  static func reduceVertex(window: [String]) -> String {
    let window = window.map { String(repeating: " ", count: 12) + $0 }.joined(separator: "\n")
    return """
            udf:
              container:
                image: IMAGE
                imagePullPolicy: IfNotPresent
              groupBy:
                window:
      \(window)
                keyed: true
                storage:
                  persistentVolumeClaim:
                    volumeSize: 1Gi
                    accessMode: ReadWriteOnce
      """
  }

  static let reduce = ScaffoldTemplate(
    kind: "reduce", product: "NumaflowReducer",
    handler: """
      import FoundationEssentials
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
      await ReduceServer(reducer: Handler.init).runService()

      """,
    test: """
      @Test func countsEachKeyedWindow() async throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let datums = [0, 10, 70].map { Datum(keys: ["k"], value: Data("x".utf8), eventTime: start + Double($0)) }
        let outputs = try await ReduceTestClient(server: ReduceServer(reducer: Handler.init))
          .reduce(datums, windowing: .fixed(.seconds(60)))
        #expect(outputs.map(\\.message.value) == [Data("2".utf8), Data("1".utf8)])
      }

      """,
    input: windowedInput, runOptions: "--window fixed:60s",
    spec: pipeline(through: reduceVertex(window: ["fixed:", "  length: 60s"]))
  )

  static let reducestream = ScaffoldTemplate(
    kind: "reducestream", product: "NumaflowReduceStreamer",
    handler: """
      import FoundationEssentials
      import NumaflowReduceStreamer

      /// Sends each keyed window's running count every 100 messages, and its total when the
      /// window closes. Replace with your aggregation.
      public struct Handler: ReduceStreamer {
        public init() {}

        public func reduceStream(keys: [String], datums: Datums, window: Window, output: MessageWriter) async throws {
          var count = 0
          for await _ in datums {
            count += 1
            if count.isMultiple(of: 100) { try await output.write(Message(String(count), keys: keys)) }
          }
          try await output.write(Message(String(count), keys: keys))
        }
      }

      """,
    main: """
      await ReduceStreamServer(reduceStreamer: Handler.init).runService()

      """,
    test: """
      @Test func sendsARunningCountThenTheTotal() async throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let datums = (0..<150).map { _ in Datum(keys: ["k"], value: Data("x".utf8), eventTime: start) }
        let outputs = try await ReduceTestClient(server: ReduceStreamServer(reduceStreamer: Handler.init))
          .reduce(datums, windowing: .fixed(.seconds(60)))
        #expect(outputs.map(\\.message.value) == [Data("100".utf8), Data("150".utf8)])
      }

      """,
    input: windowedInput, runOptions: "--window fixed:60s",
    spec: pipeline(through: reduceVertex(window: ["fixed:", "  length: 60s", "  streaming: true"]))
  )

  static let session = ScaffoldTemplate(
    kind: "session", product: "NumaflowSessionReducer",
    handler: """
      import FoundationEssentials
      import NumaflowSessionReducer
      import Synchronization

      /// Counts each session's messages; when numa merges sessions, their counts add up.
      /// Replace with your aggregation, keeping in `accumulator()` what a merge needs.
      public final class Handler: SessionReducer {
        private let count = Mutex(0)

        public init() {}

        public func sessionReduce(keys: [String], datums: Datums, output: MessageWriter) async throws {
          for await _ in datums { count.withLock { $0 += 1 } }
          try await output.write(Message(String(count.withLock { $0 }), keys: keys))
        }

        public func accumulator() async throws -> Data { Data(String(count.withLock { $0 }).utf8) }

        public func merge(accumulator: Data) async throws {
          count.withLock { $0 += Int(String(decoding: accumulator, as: UTF8.self)) ?? 0 }
        }
      }

      """,
    main: """
      await SessionReduceServer(sessionReducer: Handler.init).runService()

      """,
    test: """
      @Test func countsEachSession() async throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let datums = [0, 10, 100].map { Datum(keys: ["k"], value: Data("x".utf8), eventTime: start + Double($0)) }
        let outcome = try await SessionReduceTestClient(server: SessionReduceServer(sessionReducer: Handler.init))
          .reduce(datums, gap: .seconds(30))
        #expect(Set(outcome.outputs.map(\\.message.value)) == [Data("2".utf8), Data("1".utf8)])
      }

      """,
    input: windowedInput, runOptions: "--window session:30s",
    spec: pipeline(through: reduceVertex(window: ["session:", "  timeout: 30s"]))
  )

  static let accumulator = ScaffoldTemplate(
    kind: "accumulator", product: "NumaflowAccumulator",
    handler: """
      import FoundationEssentials
      import NumaflowAccumulator

      /// Forwards each key's messages, each value only once. Replace with your logic: sort,
      /// join, or wait for a message's other half.
      public struct Handler: Accumulator {
        public init() {}

        public func accumulate(keys: [String], datums: Datums, output: MessageWriter) async throws {
          var seen = Set<Data>()
          for await datum in datums where seen.insert(datum.value).inserted {
            try await output.write(Message(forwarding: datum))
          }
        }
      }

      """,
    main: """
      await AccumulatorServer(accumulator: Handler.init).runService()

      """,
    test: """
      @Test func forwardsEachValueOnce() async throws {
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let datums = ["a", "b", "a"].enumerated().map { index, value in
          Datum(id: "\\(index)", keys: ["k"], value: Data(value.utf8), eventTime: start + Double(index), watermark: start)
        }
        let outcome = try await AccumulatorTestClient(server: AccumulatorServer(accumulator: Handler.init))
          .accumulate(datums, timeout: .seconds(10))
        #expect(outcome.outputs.map(\\.message.value) == [Data("a".utf8), Data("b".utf8)])
      }

      """,
    input: """
      {"keys": ["k"], "value": "a", "event_time": "2026-01-01T00:00:00Z", "watermark": "2026-01-01T00:00:00Z"}
      {"keys": ["k"], "value": "b", "event_time": "2026-01-01T00:00:01Z", "watermark": "2026-01-01T00:00:00Z"}
      {"keys": ["k"], "value": "a", "event_time": "2026-01-01T00:00:02Z", "watermark": "2026-01-01T00:00:01Z"}

      """,
    runOptions: "--accumulator-timeout 10s",
    spec: pipeline(through: reduceVertex(window: ["accumulator:", "  timeout: 10s"]))
  )
}
