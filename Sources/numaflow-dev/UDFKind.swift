import ArgumentParser
import Foundation
import NumaflowBatchMapper
import NumaflowMapStreamer
import NumaflowMapper
import NumaflowProtos
import NumaflowSourceTransformer
import NumaflowTesting
import SwiftProtobuf

/// The kinds of UDF numaflow-dev can drive, and how numa talks to each.
enum UDFKind: String, CaseIterable, ExpressibleByArgument {
  case map
  case mapstream
  case batchmap
  case transformer

  /// The container type numa derives from the server-info file name.
  var containerType: String {
    switch self {
    case .map, .mapstream, .batchmap: "mapper"
    case .transformer: "sourcetransformer"
    }
  }

  /// The socket numa dials for this kind.
  var socketFileName: String {
    switch self {
    case .map: "map.sock"
    case .mapstream: "mapstream.sock"
    case .batchmap: "batchmap.sock"
    case .transformer: "sourcetransform.sock"
    }
  }

  /// The kind a server-info file describes, if numaflow-dev can drive it.
  init?(_ info: ServerInfoCheck) {
    guard
      let kind = Self.allCases.first(where: {
        $0.containerType == info.containerType && $0.socketFileName == info.socketFileName
      })
    else { return nil }
    self = kind
  }

  func isReady(socketPath: String) async throws -> Bool {
    switch self {
    case .map: try await MapTestClient(socketPath: socketPath).isReady()
    case .mapstream: try await MapStreamTestClient(socketPath: socketPath).isReady()
    case .batchmap: try await BatchMapTestClient(socketPath: socketPath).isReady()
    case .transformer: try await SourceTransformTestClient(socketPath: socketPath).isReady()
    }
  }

  /// Opens a stream, sends only the handshake, and says whether the first reply is one.
  func answersHandshake(socketPath: String) async throws -> Bool {
    switch self {
    case .map, .mapstream, .batchmap:
      let outcome = try await MapTestClient(socketPath: socketPath)
        .exchange([MapTestClient.handshake], awaitingResponses: 1, timeout: .seconds(10))
      return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
    case .transformer:
      let outcome = try await SourceTransformTestClient(socketPath: socketPath)
        .exchange([SourceTransformTestClient.handshake], awaitingResponses: 1, timeout: .seconds(10))
      return outcome.responses.first.map { $0.hasHandshake && $0.handshake.sot } ?? false
    }
  }

  /// Sends every datum on one stream and returns the output lines, in input order.
  /// For batch map, all records form one batch.
  func run(_ records: [InputRecord.Fields], socketPath: String) async throws -> [OutputRecord] {
    switch self {
    case .map, .mapstream, .batchmap:
      let datums = records.map {
        NumaflowMapper.Datum(
          keys: $0.keys, value: $0.value, eventTime: $0.eventTime, watermark: $0.watermark, headers: $0.headers)
      }
      let outputs: [[NumaflowMapper.Message]]
      switch self {
      case .mapstream: outputs = try await MapStreamTestClient(socketPath: socketPath).mapStream(datums)
      case .batchmap: outputs = try await BatchMapTestClient(socketPath: socketPath).mapBatch(datums)
      default: outputs = try await MapTestClient(socketPath: socketPath).map(datums)
      }
      return outputs.enumerated().flatMap { index, messages in
        messages.map {
          OutputRecord(input: index, value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata)
        }
      }
    case .transformer:
      let datums = records.map {
        NumaflowSourceTransformer.Datum(
          keys: $0.keys, value: $0.value, eventTime: $0.eventTime, watermark: $0.watermark, headers: $0.headers)
      }
      return try await SourceTransformTestClient(socketPath: socketPath).transform(datums).enumerated().flatMap {
        index, messages in
        messages.map {
          OutputRecord(
            input: index, value: $0.value, keys: $0.keys, tags: $0.tags, userMetadata: $0.userMetadata,
            eventTime: $0.eventTime)
        }
      }
    }
  }

  /// Keeps `window` requests of `payload` in flight until `total` are answered.
  func drive(socketPath: String, total: Int, window: Int, payload: Data) async throws -> Int {
    let eventTime = Google_Protobuf_Timestamp(roundingToMicroseconds: Date())
    switch self {
    case .map, .mapstream, .batchmap:
      let makeRequest: @Sendable (Int) -> Map_V1_MapRequest = { index in
        var request = Map_V1_MapRequest()
        request.id = "bench-\(index)"
        request.request.keys = ["key"]
        request.request.value = payload
        request.request.eventTime = eventTime
        return request
      }
      switch self {
      case .mapstream:
        return try await MapStreamTestClient(socketPath: socketPath).drive(
          total: total, window: window, makeRequest: makeRequest)
      case .batchmap:
        // numa reads and sends batches of its read batch size, one at a time.
        return try await BatchMapTestClient(socketPath: socketPath).drive(
          total: total, batchSize: window, makeRequest: makeRequest)
      default:
        return try await MapTestClient(socketPath: socketPath).drive(
          total: total, window: window, makeRequest: makeRequest)
      }
    case .transformer:
      return try await SourceTransformTestClient(socketPath: socketPath).drive(total: total, window: window) { index in
        var request = Sourcetransformer_V1_SourceTransformRequest()
        request.request.id = "bench-\(index)"
        request.request.keys = ["key"]
        request.request.value = payload
        request.request.eventTime = eventTime
        return request
      }
    }
  }
}
