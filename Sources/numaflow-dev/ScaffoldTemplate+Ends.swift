/// The ends of a pipeline: source and sink.
extension ScaffoldTemplate {
  static let source = ScaffoldTemplate(
    kind: "source", product: "NumaflowSourcer",
    handler: """
      import FoundationEssentials
      import NumaflowSourcer
      import Synchronization

      /// Counts up from 0, one message per number, and sends the numbers numa nacks again
      /// before new ones. Replace with reads from your system: keep what numa has not acked,
      /// and forget it on ack.
      public final class Handler: Sourcer {
        private let state = Mutex((next: 0, unacked: Set<Int>(), nacked: [Int]()))

        public init() {}

        public func read(_ request: ReadRequest, output: MessageWriter) async throws {
          for _ in 0..<request.count {
            let number = state.withLock { state in
              let number = state.nacked.isEmpty ? state.next : state.nacked.removeFirst()
              if number == state.next { state.next += 1 }
              state.unacked.insert(number)
              return number
            }
            try await output.write(Message("\\(number)", offset: Offset("\\(number)"), eventTime: Date()))
          }
        }

        public func ack(_ offsets: [Offset]) async throws {
          state.withLock { state in
            for offset in offsets { state.unacked.remove(Int(offset.text ?? "") ?? -1) }
          }
        }

        public func nack(_ offsets: [Offset], options: NackOptions?) async throws {
          state.withLock { state in
            for offset in offsets {
              if let number = Int(offset.text ?? ""), state.unacked.remove(number) != nil { state.nacked.append(number) }
            }
          }
        }

        public func pending() async throws -> Int? { state.withLock { $0.nacked.count } }
      }

      """,
    main: """
      try await SourceServer(sourcer: Handler()).run()

      """,
    test: """
      @Test func countsUpAndSendsNackedNumbersAgain() async throws {
        let client = SourceTestClient(server: SourceServer(sourcer: Handler()))
        try await client.session { client in
          let first = try await client.read(count: 3)
          #expect(first.map { String(decoding: $0.value, as: UTF8.self) } == ["0", "1", "2"])
          try await client.ack([first[0].offset, first[2].offset])
          try await client.nack([first[1].offset])
          let second = try await client.read(count: 2)
          #expect(second.map { String(decoding: $0.value, as: UTF8.self) } == ["1", "3"])
        }
      }

      """,
    input: nil, runOptions: "--count 5",
    spec: pipeline(
      from: """
                udsource:
                  container:
                    image: IMAGE
                    imagePullPolicy: IfNotPresent
        """)
  )

  static let sink = ScaffoldTemplate(
    kind: "sink", product: "NumaflowSinker",
    handler: """
      import FoundationEssentials
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
      // `--mode async|multiprocess` picks where the handler runs (default async).
      try await SinkServer(mode: .commandLine(), sinker: Handler()).run()

      """,
    test: """
      @Test func everyMessageIsWritten() async throws {
        let client = SinkTestClient(server: SinkServer(sinker: Handler()))
        let responses = try await client.sink(.fixtures("a", "b"))
        #expect(responses.map(\\.status) == [.ok, .ok])
      }

      """,
    input: mapInput, runOptions: "",
    spec: """
      spec:
        vertices:
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
}
