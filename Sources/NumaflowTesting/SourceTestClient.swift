import Foundation
import GRPCCore
import NumaflowCore
import NumaflowProtos
import NumaflowSourcer
import SwiftProtobuf

/// Talks to a user-defined source the way numa does: `ReadFn` and `AckFn` streams with a
/// handshake each, reads answered by messages and an EOT, acks answered one by one, and the
/// unary `NackFn`, `PendingFn` and `PartitionsFn`.
///
/// ```swift
/// let client = SourceTestClient(server: SourceServer(sourcer: Counter()))
/// let messages = try await client.read(count: 3)
/// #expect(messages.map(\.offset) == [Offset("0"), Offset("1"), Offset("2")])
/// try await client.ack(messages.map(\.offset))
/// ```
public struct SourceTestClient: TestClient {
  public typealias Server = SourceServer

  public let connection: TestConnection
  public init(_ connection: TestConnection) { self.connection = connection }

  /// Asks IsReady.
  public func isReady() async throws -> Bool {
    try await withSourceClient { client in
      try await client.isReady(request: ClientRequest(message: Google_Protobuf_Empty())) { try $0.message.ready }
    }
  }

  /// One read of at most `count` messages on a new `ReadFn` stream.
  /// - Throws: `RPCError` with the server's status when the read fails, or
  ///   ``ProtocolViolation`` when the server sends more than `count` messages, a message without
  ///   an offset or event time, or no EOT.
  public func read(count: Int, timeout: Duration = .seconds(1)) async throws -> [NumaflowSourcer.Message] {
    try await withReadStream { reads in try await reads.read(count: count, timeout: timeout) }
  }

  /// Acks `offsets` on a new `AckFn` stream, as one request.
  public func ack(_ offsets: [Offset]) async throws {
    try await withAckStream { acks in try await acks.ack(offsets) }
  }

  /// Nacks `offsets`, one entry per offset as numa sends them, each with `options`.
  public func nack(_ offsets: [Offset], options: NackOptions? = nil) async throws {
    var nack = Source_V1_NackRequest()
    nack.request = offsets.map { offset in
      var entry = Source_V1_NackRequest.Request()
      entry.offsets = [offset.wire]
      if let options { entry.nackOptions = options.proto }
      return entry
    }
    let request = nack
    try await withSourceClient { client in
      try await client.nackFn(request: ClientRequest(message: request)) { response in
        guard try response.message.hasResult else { throw ProtocolViolation("NackFn answered without a result") }
      }
    }
  }

  /// The source's pending count, or `nil` when it reports it unavailable (a negative count).
  public func pending() async throws -> Int? {
    try await withSourceClient { client in
      try await client.pendingFn(request: ClientRequest(message: Google_Protobuf_Empty())) { response in
        let message = try response.message
        guard message.hasResult else { throw ProtocolViolation("PendingFn answered without a result") }
        return message.result.count < 0 ? nil : Int(message.result.count)
      }
    }
  }

  /// The partitions the source reads, and how many it has in all when it says.
  public func partitions() async throws -> (active: [Int32], total: Int32?) {
    try await withSourceClient { client in
      try await client.partitionsFn(request: ClientRequest(message: Google_Protobuf_Empty())) { response in
        let message = try response.message
        guard message.hasResult else { throw ProtocolViolation("PartitionsFn answered without a result") }
        return (message.result.partitions, message.result.hasTotalPartitions ? message.result.totalPartitions : nil)
      }
    }
  }

  /// Opens a `ReadFn` and an `AckFn` stream, with their handshakes, as numa does when it
  /// starts; runs `body` on them; then ends both, as numa does when it restarts (whatever was
  /// read on them and not acked is numa's no longer). Call it inside `withConnection(_:)` to restart
  /// the streams of one server:
  ///
  /// ```swift
  /// try await client.withConnection { client in
  ///   let first = try await client.streams { try await $0.read(count: 5) }   // not acked
  ///   let again = try await client.streams { try await $0.read(count: 5) }   // the same 5
  /// }
  /// ```
  public func streams<Result: Sendable>(_ body: @Sendable @escaping (SourceStreams) async throws -> Result)
    async throws -> Result
  {
    try await withConnection { client in
      try await client.withReadStream { reads in
        try await client.withAckStream { acks in try await body(SourceStreams(reads: reads, acks: acks)) }
      }
    }
  }

  private func withSourceClient<Result: Sendable>(
    _ body: @Sendable @escaping (any Source_V1_Source.ClientProtocol) async throws -> Result
  ) async throws -> Result {
    try await target.withClient(
      overSocket: { Source_V1_Source.Client(wrapping: $0) }, inProcess: { Source_V1_Source.Client(wrapping: $0) }, body)
  }

  /// Opens a `ReadFn` stream, does the handshake and runs `body` on it.
  private func withReadStream<Result: Sendable>(
    _ body: @Sendable @escaping (ReadConversation) async throws -> Result
  ) async throws -> Result {
    try await withSourceClient { client in
      var handshake = Source_V1_ReadRequest()
      handshake.handshake.sot = true
      return try await converse(opening: handshake, open: { try await client.readFn(request: $0, onResponse: $1) }) {
        conversation in
        guard let reply = try await conversation.receive(), reply.hasHandshake, reply.handshake.sot else {
          throw ProtocolViolation("ReadFn: the server's first message was not a handshake with sot=true")
        }
        return try await body(ReadConversation(conversation: conversation))
      }
    }
  }

  /// Opens an `AckFn` stream, does the handshake and runs `body` on it.
  private func withAckStream<Result: Sendable>(
    _ body: @Sendable @escaping (AckConversation) async throws -> Result
  ) async throws -> Result {
    try await withSourceClient { client in
      var handshake = Source_V1_AckRequest()
      handshake.handshake.sot = true
      return try await converse(opening: handshake, open: { try await client.ackFn(request: $0, onResponse: $1) }) {
        conversation in
        guard let reply = try await conversation.receive(), reply.hasHandshake, reply.handshake.sot else {
          throw ProtocolViolation("AckFn: the server's first message was not a handshake with sot=true")
        }
        return try await body(AckConversation(conversation: conversation))
      }
    }
  }
}

/// A `ReadFn` and an `AckFn` stream of one source, open for the duration of
/// ``SourceTestClient/streams(_:)``. Use one from one task at a time, as numa does.
public struct SourceStreams: Sendable {
  fileprivate let reads: ReadConversation
  fileprivate let acks: AckConversation

  /// One read of at most `count` messages. With `stopAfter`, it returns as soon as that many
  /// came, leaving the read unfinished: ending the streams then cuts it, as a restart of numa
  /// in the middle of a read does.
  public func read(count: Int, timeout: Duration = .seconds(1), stopAfter: Int? = nil) async throws
    -> [NumaflowSourcer.Message]
  {
    try await reads.read(count: count, timeout: timeout, stopAfter: stopAfter)
  }

  /// Acks `offsets` as one request, and waits for its answer.
  public func ack(_ offsets: [Offset]) async throws {
    try await acks.ack(offsets)
  }
}

/// A `ReadFn` stream past its handshake. Unchecked: it is used only inside the stream's own
/// `converse` scope, one call at a time, as numa reads one batch at a time.
private struct ReadConversation: @unchecked Sendable {
  let conversation: Conversation<Source_V1_ReadRequest, Source_V1_ReadResponse>

  /// One read; with `stopAfter`, returns once that many messages came, leaving the read
  /// unfinished (the stream then ends in the middle of it, as when numa restarts).
  func read(count: Int, timeout: Duration, stopAfter: Int? = nil) async throws -> [NumaflowSourcer.Message] {
    var request = Source_V1_ReadRequest()
    request.request.numRecords = UInt64(count)
    request.request.timeoutInMs = UInt32(max(0, min(Double(UInt32.max), (timeout / .milliseconds(1)).rounded())))
    conversation.send(request)
    var messages: [NumaflowSourcer.Message] = []
    while let response = try await conversation.receive() {
      if response.hasStatus, response.status.eot { return messages }
      guard response.hasResult else { throw ProtocolViolation("ReadFn: a response with neither a result nor an EOT") }
      guard response.result.hasOffset, !response.result.offset.offset.isEmpty else {
        throw ProtocolViolation("ReadFn: a message without an offset: numa cannot ack it")
      }
      guard response.result.hasEventTime else { throw ProtocolViolation("ReadFn: a message without an event time") }
      messages.append(NumaflowSourcer.Message(response.result))
      guard messages.count <= count else {
        throw ProtocolViolation("ReadFn: more than the \(count) messages asked for")
      }
      if let stopAfter, messages.count >= stopAfter { return messages }
    }
    throw ProtocolViolation("ReadFn: the stream ended before the read's EOT")
  }
}

/// An `AckFn` stream past its handshake. Unchecked for the same reason as ``ReadConversation``.
private struct AckConversation: @unchecked Sendable {
  let conversation: Conversation<Source_V1_AckRequest, Source_V1_AckResponse>

  func ack(_ offsets: [Offset]) async throws {
    var request = Source_V1_AckRequest()
    request.request.offsets = offsets.map(\.wire)
    conversation.send(request)
    guard let response = try await conversation.receive() else {
      throw ProtocolViolation("AckFn: the stream ended before the ack was answered")
    }
    guard response.hasResult, response.result.hasSuccess else {
      throw ProtocolViolation("AckFn: the answer carries no success result")
    }
  }
}

extension SourceServer: TestableServer {
  public typealias TestClient = SourceTestClient
}
