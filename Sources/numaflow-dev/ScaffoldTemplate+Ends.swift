/// The ends of a pipeline: source and sink.
extension ScaffoldTemplate {
  static let source = ScaffoldTemplate(
    kind: "source", product: "NumaflowSourcer",
    handler: """
      import FoundationEssentials
      import NumaflowSourcer
      import Synchronization

      /// Counts up from 0, one message per number. A DeliveryLedger keeps each number until
      /// numa acks it and sends again, before new numbers, what numa let go of: nacked, read on
      /// a stream that ended (numa restarted), or unacked for 60 s (numa drops a swift
      /// source's nacks). Replace the counter with reads from your system.
      public final class Handler: Sourcer {
        private let state = Mutex((next: 0, ledger: DeliveryLedger<Int, Int>(ackTimeout: .seconds(60))))

        public init() {}

        public func read(_ request: ReadRequest, output: MessageWriter) async throws {
          let taken = state.withLock { state in
            let now = ContinuousClock.now
            state.ledger.expire(now: now)
            while state.ledger.waitingCount < request.count {
              state.ledger.append(state.next, key: state.next)
              state.next += 1
            }
            return state.ledger.take(request.count, on: request.stream, now: now)
          }
          for (number, _) in taken {
            try await output.write(Message("\\(number)", offset: Offset("\\(number)"), eventTime: Date()))
          }
        }

        public func ack(_ offsets: [Offset]) async throws {
          state.withLock { state in
            for offset in offsets { state.ledger.ack(Int(offset.text ?? "") ?? -1) }
          }
        }

        public func nack(_ offsets: [Offset], options: NackOptions?) async throws {
          state.withLock { state in
            for offset in offsets { state.ledger.nack(Int(offset.text ?? "") ?? -1) }
          }
        }

        public func readStreamEnded(_ stream: ReadStream) async {
          state.withLock { $0.ledger.readStreamEnded(stream) }
        }
      }

      """,
    main: """
      await SourceServer(sourcer: Handler()).runService()

      """,
    test: """
      @Test func countsUpAndSendsAgainWhatNumaLetGoOf() async throws {
        try await SourceServer(sourcer: Handler()).test { client in
          let first = try await client.streams { numa in
            let first = try await numa.read(count: 3)
            try await numa.ack([first[0].offset, first[2].offset])
            return first
          }
          #expect(first.map { String(decoding: $0.value, as: UTF8.self) } == ["0", "1", "2"])
          // numa restarted with "1" unacked: it comes again before new numbers.
          let second = try await client.streams { numa in try await numa.read(count: 2) }
          #expect(second.map { String(decoding: $0.value, as: UTF8.self) } == ["1", "3"])
        }
      }

      """,
    input: nil, runOptions: "--count 5", pipelineSource: nil,
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

        public func sink(_ datums: [Datum]) async throws -> [Response] {
          var responses: [Response] = []
          for datum in datums {
            print(String(decoding: datum.value, as: UTF8.self))
            responses.append(.ok(datum.id))
          }
          return responses
        }
      }

      """,
    main: """
      // `--mode async|multiprocess` picks where the handler runs (default async).
      try await SinkServer(mode: .commandLine(), sinker: Handler()).runService()

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
