import GRPCCore
import NumaflowProtos
import SwiftProtobuf
import Testing
import WireTestSupport

@testable import NumaflowSourcer

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A source's read replies, written straight from its messages, are SwiftProtobuf's encoding
/// of the `ReadResponse` they stand for, byte for byte, on random messages from fixed seeds.
@Suite struct ReadReplyWireCodingTests {
  static func written(_ reply: ReadReply) throws -> [UInt8] {
    try ReadReplySerializer().serialize(reply)
  }

  @Test(arguments: 0..<4 as Range<UInt64>)
  func aMessageIsWrittenAsItsReadResponseEncodes(seed: UInt64) throws {
    var random = RandomWireMessages(seed: seed)
    var mismatches: [String] = []
    for _ in 0..<500 {
      let message = random.sourceMessage()
      let reply = ReadReply.message(message)
      let expected: [UInt8] = try reply.wire.serializedBytes()
      if try Self.written(reply) != expected { mismatches.append("\(message)") }
    }
    #expect(mismatches.count == 0, "\(mismatches.count) of 500, first: \(mismatches.prefix(2))")
  }

  @Test(arguments: [ReadReply.handshake, .endOfTransmission])
  func aHandshakeAndAnEndOfTransmissionAreWrittenAsTheirReadResponsesEncode(reply: ReadReply) throws {
    #expect(try Self.written(reply) == (try reply.wire.serializedBytes()))
  }

  @Test func whatIsWrittenReadsBackAsTheMessage() throws {
    let message = NumaflowSourcer.Message(
      Data("21.5".utf8), offset: Offset(Data([0, 7]), partitionID: -3),
      eventTime: Date(timeIntervalSince1970: -1.5), keys: ["sensor", ""], headers: ["h": "v"],
      userMetadata: MessageMetadata(["g": ["k": Data([1])]]))
    let decoded = try Source_V1_ReadResponse(serializedBytes: try Self.written(.message(message)))
    #expect(NumaflowSourcer.Message(decoded.result) == message)
    #expect(decoded.hasStatus && !decoded.status.eot && !decoded.hasHandshake)
  }
}

extension ReadReply: CustomTestStringConvertible {
  public var testDescription: String {
    switch self {
    case .handshake: "handshake"
    case .message: "message"
    case .endOfTransmission: "end of transmission"
    }
  }
}

extension RandomWireMessages {
  /// A message as a source writes one: any payload, a non-empty offset on any partition, any
  /// event time (before 1970, past the microsecond), keys, headers and user metadata or none.
  mutating func sourceMessage() -> NumaflowSourcer.Message {
    var offset = bytes(upTo: 12)
    if offset.isEmpty { offset = Data([UInt8(int(0...255))]) }
    let partition = chance(20) ? Int32(int(-3...3)) : Int32(int(0...1)) * Int32(int(0...Int(Int32.max)))
    let seconds = Double(int(-2_000_000_000...4_000_000_000)) + Double(int(0...999_999_999)) / 1e9
    var headers: [String: String] = [:]
    for _ in 0..<int(0...3) { headers[text()] = text() }
    var groups: [String: [String: Data]] = [:]
    for (name, group) in chance(40) ? self.groups() : [:] { groups[name] = group.keyValue }
    return NumaflowSourcer.Message(
      bytes(upTo: chance(5) ? 20_000 : 60), offset: Offset(offset, partitionID: partition),
      eventTime: Date(timeIntervalSince1970: seconds), keys: (0..<int(0...3)).map { _ in text() },
      headers: headers, userMetadata: MessageMetadata(groups))
  }
}
