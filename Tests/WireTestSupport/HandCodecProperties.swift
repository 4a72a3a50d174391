import GRPCCore
import GRPCProtobuf
import NIOCore
import NumaflowCore
import SwiftProtobuf

/// One property every kind's hand codecs hold against SwiftProtobuf (``HandCodecProperties``).
package enum HandCodecProperty: String, CaseIterable, Sendable {
  case everyRequestNumaSendsDecodesByHand
  case damagedRequestsDecodeAsSwiftProtobufDoes
  case fieldsEncodedTwiceMergeAsProtobufSays
  case responsesEncodeByteForByte
  case otherResponsesAreLeftToSwiftProtobuf
  case codecsCarryMessagesUnchanged
}

/// The properties every kind's hand codecs hold against SwiftProtobuf (see
/// `NumaflowCore/HandDecodedMessage`), on random messages from fixed seeds. Each check returns
/// what went wrong, empty when the property holds: a kind's test expects it empty.
///
/// ```swift
/// @Test(arguments: HandCodecProperty.allCases)
/// func handCodecsHold(_ property: HandCodecProperty) throws {
///   let failures = try Self.properties.failures(of: property)
///   #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
/// }
/// ```
package struct HandCodecProperties<
  Request: HandDecodedMessage & Equatable, Response: HandEncodedMessage & Equatable
>: Sendable {
  /// A random request as numa sends one.
  package var request: @Sendable (inout RandomWireMessages) -> Request
  /// A random response as a UDF writes one; with nack options on some results when asked.
  package var response: @Sendable (inout RandomWireMessages, _ nacks: Bool) -> Response
  /// The encoding of a request's datum (its field 1).
  package var datum: @Sendable (Request) throws -> [UInt8]
  /// How many results a response carries.
  package var resultCount: @Sendable (Response) -> Int
  /// A request and a response after a round trip through the kind's worker codec, each way:
  /// the requests the worker read (the request as many times as the codec carries it at once).
  package var throughWorker: @Sendable (Request, Response) throws -> (requests: [Request], response: Response)

  /// Properties for a kind whose workers get one request at a time, unless `throughWorker`
  /// says how its worker codec carries them (a sink's carries batches).
  package init(
    request: @escaping @Sendable (inout RandomWireMessages) -> Request,
    response: @escaping @Sendable (inout RandomWireMessages, _ nacks: Bool) -> Response,
    datum: @escaping @Sendable (Request) throws -> [UInt8],
    resultCount: @escaping @Sendable (Response) -> Int,
    throughWorker: (@Sendable (Request, Response) throws -> (requests: [Request], response: Response))? = nil
  ) {
    (self.request, self.response, self.datum, self.resultCount) = (request, response, datum, resultCount)
    self.throughWorker =
      throughWorker ?? { request, response in
        let codec = WorkerCodec<Request, Response>.handCoded(requestID: { _ in "" })
        return (
          [try codec.decodeRequest(codec.encodeRequest(request))],
          try codec.decodeResponse(codec.encodeResponse(response))
        )
      }
  }

  /// What went wrong with `property`, on random messages from a seed of its own.
  package func failures(of property: HandCodecProperty) throws -> [String] {
    let seed = UInt64(HandCodecProperty.allCases.firstIndex(of: property)! + 1)
    switch property {
    case .everyRequestNumaSendsDecodesByHand: return try requestsDecodeByHand(seed: seed)
    case .damagedRequestsDecodeAsSwiftProtobufDoes: return try damagedRequestsDecodeAsSwiftProtobufDoes(seed: seed)
    case .fieldsEncodedTwiceMergeAsProtobufSays: return try fieldsEncodedTwiceMergeAsProtobufSays(seed: seed)
    case .responsesEncodeByteForByte: return try responsesEncodeByteForByte(seed: seed)
    case .otherResponsesAreLeftToSwiftProtobuf: return try otherResponsesAreLeftToSwiftProtobuf(seed: seed)
    case .codecsCarryMessagesUnchanged: return try codecsCarryMessagesUnchanged(seed: seed)
    }
  }

  /// The hand decoder's answer for `bytes`, or `nil` when it gives up.
  package static func handDecoded(_ bytes: [UInt8]) -> Request? {
    var request = Request()
    let decoded = bytes.withUnsafeBytes { Request.handDecode($0, into: &request) }
    return decoded ? request : nil
  }

  /// Every request numa sends is decoded by hand, into what was encoded.
  package func requestsDecodeByHand(seed: UInt64, count: Int = 2_000) throws -> [String] {
    var random = RandomWireMessages(seed: seed)
    var failures: [String] = []
    for index in 0..<count {
      let request = request(&random)
      guard let hand = Self.handDecoded(try request.serializedBytes()) else {
        failures.append("request \(index) was left to SwiftProtobuf: \(request)")
        continue
      }
      if hand != request { failures.append("request \(index) decoded as \(hand): \(request)") }
    }
    return failures
  }

  /// Damaged requests (bits flipped, cut short, bytes put in or repeated) the hand decoder reads
  /// as SwiftProtobuf does, or leaves to it; and many of them it reads.
  package func damagedRequestsDecodeAsSwiftProtobufDoes(seed: UInt64, count: Int = 5_000) throws -> [String] {
    var random = RandomWireMessages(seed: seed)
    var failures: [String] = []
    var byHand = 0
    for index in 0..<count {
      let bytes = random.mutated(try request(&random).serializedBytes())
      let reference = try? Request(serializedBytes: bytes)
      if let hand = Self.handDecoded(bytes) {
        byHand += 1
        if hand != reference { failures.append("damaged request \(index) read by hand as \(hand): \(bytes)") }
      }
      let decoded = try? bytes.withUnsafeBytes { try Request.decoded(from: $0) }
      if decoded != reference { failures.append("damaged request \(index) decoded as \(String(describing: decoded))") }
    }
    // Many damaged requests still parse (a flipped bit in a payload); those the hand decoder reads.
    if byHand < count / 25 { failures.append("only \(byHand) of \(count) damaged requests were read by hand") }
    return failures
  }

  /// Two encodings one after the other are one message: protobuf merges them (the last value of
  /// a scalar, both lists' elements, both messages' fields merged). What the hand decoder reads
  /// of two requests, or of one request with two datums, is that merge.
  package func fieldsEncodedTwiceMergeAsProtobufSays(seed: UInt64, count: Int = 2_000) throws -> [String] {
    var random = RandomWireMessages(seed: seed)
    var failures: [String] = []
    var byHand = 0
    for index in 0..<count {
      let (first, second) = (request(&random), request(&random))
      let requestsTwice: [UInt8] = try first.serializedBytes() + second.serializedBytes()
      let datums = try datum(first) + datum(second)
      let datumTwice = [0x0A] + WireBytes.varint(datums.count) + datums  // field 1, the two datums
      for bytes in [requestsTwice, datumTwice] {
        let reference = try Request(serializedBytes: bytes)
        guard let hand = Self.handDecoded(bytes) else { continue }
        byHand += 1
        if hand != reference { failures.append("pair \(index) read by hand as \(hand): \(first) then \(second)") }
      }
    }
    if byHand < count / 10 { failures.append("only \(byHand) of \(2 * count) merged requests were read by hand") }
    return failures
  }

  /// Every response a UDF writes without nack options is encoded by hand, byte for byte as
  /// SwiftProtobuf encodes it, by grpc-swift's serializer and for a worker alike.
  package func responsesEncodeByteForByte(seed: UInt64, count: Int = 2_000) throws -> [String] {
    var random = RandomWireMessages(seed: seed)
    var failures: [String] = []
    for index in 0..<count {
      let response = response(&random, false)
      let reference: [UInt8] = try response.serializedBytes()
      if response.handEncodedSize != reference.count {
        failures.append("response \(index) sized \(String(describing: response.handEncodedSize)) bytes")
      }
      let hand: [UInt8] = try HandEncodingSerializer<Response>().serialize(response)
      if hand != reference { failures.append("response \(index) encoded otherwise: \(response)") }
      let buffer = try response.encodedBuffer()
      if Array(buffer.readableBytesView) != reference { failures.append("response \(index) in a buffer") }
      if EncodedResponse(bytes: buffer).occurrences(ofField: 1) != resultCount(response) {
        failures.append("response \(index): its results miscounted")
      }
    }
    return failures
  }

  /// A response with nack options or unknown fields is left to SwiftProtobuf, whose bytes the
  /// serializer writes.
  package func otherResponsesAreLeftToSwiftProtobuf(seed: UInt64, count: Int = 500) throws -> [String] {
    var random = RandomWireMessages(seed: seed)
    var failures: [String] = []
    var leftToSwiftProtobuf = 0
    for index in 0..<count {
      var response = response(&random, true)
      if index % 7 == 0 { try response.merge(serializedBytes: [0x78, 0x07] as [UInt8]) }  // field 15, varint 7
      let reference: [UInt8] = try ProtobufSerializer<Response>().serialize(response)
      if response.handEncodedSize == nil { leftToSwiftProtobuf += 1 }
      let hand: [UInt8] = try HandEncodingSerializer<Response>().serialize(response)
      if hand != reference { failures.append("response \(index) encoded otherwise: \(response)") }
    }
    if leftToSwiftProtobuf < count / 5 { failures.append("only \(leftToSwiftProtobuf) responses were left") }
    return failures
  }

  /// What grpc-swift-protobuf's serializer writes, the hand deserializer reads; and a worker's
  /// codec carries requests and responses unchanged.
  package func codecsCarryMessagesUnchanged(seed: UInt64, count: Int = 200) throws -> [String] {
    var random = RandomWireMessages(seed: seed)
    var failures: [String] = []
    for index in 0..<count {
      let request = request(&random)
      let bytes: [UInt8] = try ProtobufSerializer<Request>().serialize(request)
      if try HandDecodingDeserializer<Request>().deserialize(bytes) != request {
        failures.append("request \(index) deserialized otherwise: \(request)")
      }
      let response = response(&random, true)
      let carried = try throughWorker(request, response)
      if carried.requests.isEmpty || carried.requests.contains(where: { $0 != request }) {
        failures.append("request \(index) changed through a worker's codec: \(request)")
      }
      if carried.response != response {
        failures.append("response \(index) changed through a worker's codec: \(response)")
      }
    }
    return failures
  }
}

/// Protobuf's wire format, written by the tests by hand.
package enum WireBytes {
  package static func varint(_ value: Int) -> [UInt8] {
    var (value, bytes) = (UInt64(value), [UInt8]())
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    return bytes + [UInt8(value)]
  }

  /// Field `number` with a length-delimited value.
  package static func field(_ number: Int, _ bytes: [UInt8]) -> [UInt8] {
    varint(number << 3 | 2) + varint(bytes.count) + bytes
  }

  /// Field `number` with a string value.
  package static func field(_ number: Int, text: String) -> [UInt8] { field(number, Array(text.utf8)) }
}
