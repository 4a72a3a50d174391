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
public struct SourceTestClient: Sendable {
  private let target: TestTarget

  /// A client for `server`, served in this process for the duration of each call. A source's
  /// state lives in its `Sourcer`, so it carries over from one call to the next.
  public init(server: SourceServer, runtimeDirectory: String? = nil) {
    target = TestTarget(server, runtimeDirectory: runtimeDirectory)
  }

  /// A client for a server listening on a Unix socket, such as `<dir>/source.sock`.
  public init(socketPath: String) {
    target = .socket(socketPath)
  }

  private init(target: TestTarget) {
    self.target = target
  }

  /// Runs `body` with a client whose calls all reach one run of the server. A server made
  /// with `init(server:)` otherwise runs anew for each call: what a `Sourcer` keeps lasts,
  /// but what the server itself keeps (the records of `SourceServer(publishing:)`) does not.
  ///
  /// ```swift
  /// try await SourceTestClient(server: SourceServer(publishing: records)).session { client in
  ///   let messages = try await client.read(count: 2)
  ///   try await client.ack(messages.map(\.offset))
  /// }
  /// ```
  public func session<Result: Sendable>(_ body: @Sendable @escaping (SourceTestClient) async throws -> Result)
    async throws -> Result
  {
    try await target.withConnection { try await body(SourceTestClient(target: $0)) }
  }

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

  /// Reads and acks as numa does, on one `ReadFn` and one `AckFn` stream, until `total`
  /// messages were read or `timeLimit` is over: reads of `batchSize` within `readTimeout`,
  /// each followed by an ack of what it read, except every `nackEvery`-th message, which is
  /// nacked instead. Calls `onMessage` for each message as it is read, with whether it was
  /// nacked; returns how many were read.
  public func run(
    batchSize: Int = 500,
    readTimeout: Duration = .seconds(1),
    total: Int,
    timeLimit: Duration = .seconds(60),
    nackEvery: Int? = nil,
    onMessage: @escaping @Sendable (NumaflowSourcer.Message, _ nacked: Bool) -> Void = { _, _ in }
  ) async throws -> Int {
    let deadline = ContinuousClock.now + timeLimit
    return try await session { client in
      try await client.drive(batchSize, readTimeout, total, deadline, nackEvery, onMessage)
    }
  }

  private func drive(
    _ batchSize: Int, _ readTimeout: Duration, _ total: Int, _ deadline: ContinuousClock.Instant, _ nackEvery: Int?,
    _ onMessage: @escaping @Sendable (NumaflowSourcer.Message, _ nacked: Bool) -> Void
  ) async throws -> Int {
    try await withReadStream { reads in
      try await withAckStream { acks in
        var read = 0
        while read < total, ContinuousClock.now < deadline {
          let messages = try await reads.read(count: min(batchSize, total - read), timeout: readTimeout)
          var toAck: [Offset] = []
          var toNack: [Offset] = []
          for message in messages {
            read += 1
            let nacked = nackEvery.map { read % $0 == 0 } ?? false
            if nacked { toNack.append(message.offset) } else { toAck.append(message.offset) }
            onMessage(message, nacked)
          }
          if !toAck.isEmpty { try await acks.ack(toAck) }
          if !toNack.isEmpty { try await nack(toNack) }
        }
        return read
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
    _ body: @Sendable @escaping (ReadStream) async throws -> Result
  ) async throws -> Result {
    try await withSourceClient { client in
      var handshake = Source_V1_ReadRequest()
      handshake.handshake.sot = true
      return try await converse(opening: handshake, open: { try await client.readFn(request: $0, onResponse: $1) }) {
        conversation in
        guard let reply = try await conversation.receive(), reply.hasHandshake, reply.handshake.sot else {
          throw ProtocolViolation("ReadFn: the server's first message was not a handshake with sot=true")
        }
        return try await body(ReadStream(conversation: conversation))
      }
    }
  }

  /// Opens an `AckFn` stream, does the handshake and runs `body` on it.
  private func withAckStream<Result: Sendable>(
    _ body: @Sendable @escaping (AckStream) async throws -> Result
  ) async throws -> Result {
    try await withSourceClient { client in
      var handshake = Source_V1_AckRequest()
      handshake.handshake.sot = true
      return try await converse(opening: handshake, open: { try await client.ackFn(request: $0, onResponse: $1) }) {
        conversation in
        guard let reply = try await conversation.receive(), reply.hasHandshake, reply.handshake.sot else {
          throw ProtocolViolation("AckFn: the server's first message was not a handshake with sot=true")
        }
        return try await body(AckStream(conversation: conversation))
      }
    }
  }
}

/// A `ReadFn` stream past its handshake. Unchecked: it is used only inside the stream's own
/// `converse` scope, one call at a time, as numa reads one batch at a time.
private struct ReadStream: @unchecked Sendable {
  let conversation: Conversation<Source_V1_ReadRequest, Source_V1_ReadResponse>

  func read(count: Int, timeout: Duration) async throws -> [NumaflowSourcer.Message] {
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
    }
    throw ProtocolViolation("ReadFn: the stream ended before the read's EOT")
  }
}

/// An `AckFn` stream past its handshake. Unchecked for the same reason as ``ReadStream``.
private struct AckStream: @unchecked Sendable {
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
