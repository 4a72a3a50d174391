import Foundation
import GRPCCore
import GRPCProtobuf
import NumaflowBatchMapper
import NumaflowProtos
import NumaflowTesting
import Testing

struct EchoBatch: BatchMapper {
  func mapBatch(_ datums: [Datum]) async throws -> [BatchResponse] {
    datums.map { BatchResponse(id: $0.id, messages: [Message($0.value, keys: $0.keys)]) }
  }
}

struct SyncEchoBatch: SyncBatchMapper {
  func mapBatch(_ datums: [Datum]) throws -> [BatchResponse] {
    datums.reversed().map { BatchResponse(id: $0.id, messages: [Message($0.value, keys: $0.keys)]) }
  }
}

struct Refused: Error, CustomStringConvertible {
  var description: String { "refused" }
}

@Suite struct BatchMapperTests {
  @Test(arguments: ["async", "sync", "inline"])
  func everyBatchIsAnsweredByIdThenClosedByAnEOT(mode: String) async throws {
    let server =
      switch mode {
      case "sync": BatchMapServer(mode: .sync, batchMapper: SyncEchoBatch())
      case "inline": BatchMapServer(mode: .async, batchMapper: SyncEchoBatch())
      default: BatchMapServer(batchMapper: EchoBatch())
      }
    let datums = (0..<500).map { Datum(keys: ["k"], value: Data("v\($0)".utf8)) }
    let outputs = try await BatchMapTestClient(server: server).mapBatch(datums)
    for (index, messages) in outputs.enumerated() {
      #expect(messages == [Message("v\(index)", keys: ["k"])])
    }
  }

  @Test func batchesFollowEachOtherOnOneStream() async throws {
    var requests = [Map_V1_MapRequest.handshakeRequest]
    for batch in 0..<3 {
      requests +=
        (0..<4).map { Datum(value: Data()).mapRequest(id: "b\(batch)-\($0)") } + [Map_V1_MapRequest.endOfBatch]
    }
    let outcome = try await BatchMapTestClient(server: BatchMapServer(batchMapper: EchoBatch()))
      .exchange(requests, awaitingResponses: 1 + 3 * 5)
    #expect(outcome.error == nil)
    let shape = outcome.responses.dropFirst().map { $0.hasStatus && $0.status.eot ? "EOT" : String($0.id.prefix(2)) }
    #expect(shape == ["b0", "b0", "b0", "b0", "EOT", "b1", "b1", "b1", "b1", "EOT", "b2", "b2", "b2", "b2", "EOT"])
  }

  @Test(arguments: [
    ("missing", "no response for 'request-1'"),
    ("duplicate", "more than one response for 'request-0'"),
    ("unknown", "responses for ids not in the batch: 'stranger'"),
  ])
  func aWrongSetOfIdsIsAUDFFailureNamingThem(fault: String, expected: String) async throws {
    let server = BatchMapServer(configuration: .testDefaults) { datums in
      switch fault {
      case "missing": [BatchResponse(id: datums[0].id)]
      case "duplicate": datums.map { BatchResponse(id: $0.id) } + [BatchResponse(id: datums[0].id)]
      default: datums.map { BatchResponse(id: $0.id) } + [BatchResponse(id: "stranger")]
      }
    }
    await #expect {
      _ = try await BatchMapTestClient(server: server).mapBatch([Datum(value: Data()), Datum(value: Data())])
    } throws: { error in
      guard let error = error as? RPCError else { return false }
      return error.code == .internalError
        && error.message.hasPrefix(
          "UDF_EXECUTION_ERROR(udf): batch map handler answered a batch of 2 requests")
        && error.message.contains(expected)
    }
  }

  @Test func aThrowingHandlerNamesTheBatch() async throws {
    let outcome = try await BatchMapTestClient(server: BatchMapServer { _ in throw Refused() })
      .exchange(
        [Map_V1_MapRequest.handshakeRequest, Datum(value: Data()).mapRequest(id: "x1"), Map_V1_MapRequest.endOfBatch],
        awaitingResponses: 2)
    let error = try #require(outcome.error)
    #expect(error.code == .internalError)
    #expect(error.message.contains("batch map handler failed for a batch of 1 request ('x1'): refused"))
    #expect(try error.unpackGoogleRPCStatus()?.details.first?.debugInfo != nil)
  }

  @Test func aBatchLeftOpenAtHalfCloseIsStillAnswered() async throws {
    let outcome = try await BatchMapTestClient(server: BatchMapServer(batchMapper: EchoBatch()))
      .exchange(
        [Map_V1_MapRequest.handshakeRequest, Datum(value: Data()).mapRequest(id: "late")], awaitingResponses: 1)
    #expect(outcome.error == nil)
    #expect(outcome.responses.map(\.id) == ["", "late", ""])
    #expect(outcome.responses.last?.status.eot == true)
  }

  @Test func misuseIsRefused() async throws {
    let outcome = try await BatchMapTestClient(server: BatchMapServer(batchMapper: EchoBatch()))
      .exchange([Datum(value: Data()).mapRequest(id: "early")], awaitingResponses: 1)
    #expect(outcome.error?.code == .failedPrecondition)
  }
}
