import ArgumentParser
import Foundation
import NumaflowCore
import NumaflowMapper
import NumaflowProtos
import NumaflowSourceTransformer
import NumaflowTesting
import SwiftProtobuf

/// A kind of UDF numaflow-dev can drive: numa's endpoint for it, and the client that plays
/// numa. Every kind is one row of ``all``; nothing else in numaflow-dev names a kind.
struct UDFKind: Sendable, ExpressibleByArgument, CustomStringConvertible {
  /// The name on the command line: `map`, `mapstream`, ...
  let name: String
  /// What `run` does with the records, for `--help`.
  let runs: String
  let endpoint: Endpoint
  let isReady: @Sendable (_ socketPath: String) async throws -> Bool
  /// Opens a stream, sends only the handshake, and says whether the first reply is one.
  let answersHandshake: @Sendable (_ socketPath: String) async throws -> Bool
  /// Sends every record and returns the output lines, in input order.
  let run: @Sendable (_ records: [InputRecord.Fields], _ socketPath: String) async throws -> [OutputRecord]
  /// Keeps `window` requests of `payload` in flight until `total` are answered.
  let drive: @Sendable (_ socketPath: String, _ total: Int, _ window: Int, _ payload: Data) async throws -> Int

  static let all: [UDFKind] = [.map, .mapStream, .batchMap, .transformer]

  var description: String { name }

  init?(argument: String) {
    guard let kind = Self.all.first(where: { $0.name == argument }) else { return nil }
    self = kind
  }

  static var allValueStrings: [String] { all.map(\.name) }

  /// The kind a server-info file describes, if numaflow-dev can drive it.
  init?(_ info: ServerInfoCheck) {
    guard let kind = Self.all.first(where: { $0.endpoint.socketFileName == info.socketFileName }) else { return nil }
    self = kind
  }

  private init(
    _ name: String,
    runs: String,
    endpoint: Endpoint,
    isReady: @escaping @Sendable (String) async throws -> Bool,
    answersHandshake: @escaping @Sendable (String) async throws -> Bool,
    run: @escaping @Sendable ([InputRecord.Fields], String) async throws -> [OutputRecord],
    drive: @escaping @Sendable (String, Int, Int, Data) async throws -> Int
  ) {
    (self.name, self.runs, self.endpoint) = (name, runs, endpoint)
    (self.isReady, self.answersHandshake, self.run, self.drive) = (isReady, answersHandshake, run, drive)
  }

  static let map = UDFKind(
    "map", runs: "all records in flight on one stream", endpoint: .map,
    isReady: { try await MapTestClient(socketPath: $0).isReady() },
    answersHandshake: answersMapHandshake,
    run: { records, socket in try await MapTestClient(socketPath: socket).map(records.map(\.datum)).outputRecords },
    drive: { socket, total, window, payload in
      try await MapTestClient(socketPath: socket).drive(total: total, window: window, makeRequest: mapRequest(payload))
    }
  )

  static let mapStream = UDFKind(
    "mapstream", runs: "outputs in the order written", endpoint: .mapStream,
    isReady: { try await MapStreamTestClient(socketPath: $0).isReady() },
    answersHandshake: answersMapHandshake,
    run: { records, socket in
      try await MapStreamTestClient(socketPath: socket).mapStream(records.map(\.datum)).outputRecords
    },
    drive: { socket, total, window, payload in
      try await MapStreamTestClient(socketPath: socket).drive(
        total: total, window: window, makeRequest: mapRequest(payload))
    }
  )

  static let batchMap = UDFKind(
    "batchmap", runs: "all records form one batch", endpoint: .batchMap,
    isReady: { try await BatchMapTestClient(socketPath: $0).isReady() },
    answersHandshake: answersMapHandshake,
    run: { records, socket in
      try await BatchMapTestClient(socketPath: socket).mapBatch(records.map(\.datum)).outputRecords
    },
    // numa reads and sends batches of its read batch size, one at a time.
    drive: { socket, total, window, payload in
      try await BatchMapTestClient(socketPath: socket).drive(
        total: total, batchSize: window, makeRequest: mapRequest(payload))
    }
  )

  static let transformer = UDFKind(
    "transformer", runs: "outputs also carry \"event_time\"", endpoint: .sourceTransformer,
    isReady: { try await SourceTransformTestClient(socketPath: $0).isReady() },
    answersHandshake: { socket in
      let outcome = try await SourceTransformTestClient(socketPath: socket)
        .exchange([.handshakeRequest], awaitingResponses: 1, timeout: .seconds(10))
      return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
    },
    run: { records, socket in
      try await SourceTransformTestClient(socketPath: socket).transform(records.map(\.datum)).enumerated().flatMap {
        index, messages in
        messages.map {
          OutputRecord(
            input: index, value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata,
            eventTime: $0.eventTime)
        }
      }
    },
    drive: { socket, total, window, payload in
      let eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: Date())
      return try await SourceTransformTestClient(socketPath: socket).drive(total: total, window: window) { index in
        var request = Sourcetransformer_V1_SourceTransformRequest()
        request.request.id = "bench-\(index)"
        request.request.keys = ["key"]
        request.request.value = payload
        request.request.eventTime = eventTime
        return request
      }
    }
  )

  /// Every map mode answers the same handshake on the same service.
  @Sendable private static func answersMapHandshake(socketPath: String) async throws -> Bool {
    let outcome = try await MapTestClient(socketPath: socketPath)
      .exchange([.handshakeRequest], awaitingResponses: 1, timeout: .seconds(10))
    return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
  }

  /// Benchmark requests carrying `payload`.
  private static func mapRequest(_ payload: Data) -> @Sendable (Int) -> Map_V1_MapRequest {
    let eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: Date())
    return { index in
      var request = Map_V1_MapRequest()
      request.id = "bench-\(index)"
      request.request.keys = ["key"]
      request.request.value = payload
      request.request.eventTime = eventTime
      return request
    }
  }
}

extension InputRecord.Fields {
  /// The datum numa would send for this record.
  var datum: Datum {
    Datum(keys: keys, value: value, eventTime: eventTime, watermark: watermark, headers: headers)
  }
}

extension [[NumaflowMapper.Message]] {
  /// One output line per message, tagged with its input's index.
  var outputRecords: [OutputRecord] {
    enumerated().flatMap { index, messages in
      messages.map {
        OutputRecord(input: index, value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata)
      }
    }
  }
}
