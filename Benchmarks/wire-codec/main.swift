// The map kinds' hand codecs against SwiftProtobuf, in one process: nanoseconds per request
// decoded and per response encoded, each way, and their ratio, for three shapes of message.
// Both ways run in the same rounds, alternating, so a ratio holds on a shared host where the
// nanoseconds do not.
//
//   swift run -c release wire-codec-bench [rounds]
import GRPCProtobuf
import NumaflowCore
import NumaflowMapper
import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A request as `Benchmarks/native/map_client.cc` sends it: one key, an event time, the value.
func benchRequest(size: Int) -> Map_V1_MapRequest {
  var request = Map_V1_MapRequest()
  request.id = "bench-12345"
  request.request.keys = ["key"]
  request.request.value = Data(repeating: UInt8(ascii: "x"), count: size)
  request.request.eventTime.seconds = 1_767_225_600
  return request
}

/// A request as numa v1.8.3 sends one read from the ISB: with a watermark, headers and the
/// previous vertex in its metadata.
func numaRequest() -> Map_V1_MapRequest {
  var request = benchRequest(size: 100)
  request.id = "cat-0-1767225600123-0"
  request.request.watermark.seconds = 1_767_225_599
  request.request.watermark.nanos = 999_000_000
  request.request.headers = ["X-Numaflow-Id": "a1b2c3d4", "content-type": "application/json"]
  request.request.metadata.previousVertex = "in"
  return request
}

/// The echo handler's response to `request`.
func response(to request: Map_V1_MapRequest) -> Map_V1_MapResponse {
  var response = Map_V1_MapResponse()
  response.id = request.id
  response.results = [
    .init(value: request.request.value, keys: request.request.keys, tags: [], userMetadata: .init(), nackOptions: nil)
  ]
  return response
}

/// Nanoseconds per call of `body`, over `count` calls.
func nanoseconds(count: Int, _ body: () throws -> Void) rethrows -> Double {
  let start = ContinuousClock.now
  for _ in 0..<count { try body() }
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    / Double(count)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func ratio(_ value: Double, _ baseline: Double) -> String { "\(Double(Int(value / baseline * 100)) / 100)×" }

let rounds = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 7
let shapes: [(String, Map_V1_MapRequest)] = [
  ("bench client, 100 B", benchRequest(size: 100)),
  ("numa-shaped, 100 B", numaRequest()),
  ("bench client, 10 KiB", benchRequest(size: 10_240)),
]
// As grpc-swift calls them for a map stream: SwiftProtobuf's (de)serializers, and the hand ones.
let (protobufDecoder, handDecoder) = (
  ProtobufDeserializer<Map_V1_MapRequest>(), HandDecodingDeserializer<Map_V1_MapRequest>()
)
let (protobufEncoder, handEncoder) = (
  ProtobufSerializer<Map_V1_MapResponse>(), HandEncodingSerializer<Map_V1_MapResponse>()
)
var sink = 0

print("| message | decode: SwiftProtobuf | decode: by hand | ratio | encode: SwiftProtobuf | encode: by hand | ratio |")
print("|---|---|---|---|---|---|---|")
for (name, request) in shapes {
  let bytes: [UInt8] = try request.serializedBytes()
  let answer = response(to: request)
  let count = 200_000
  var times: [[Double]] = [[], [], [], []]
  for _ in 0..<rounds {
    times[0].append(try nanoseconds(count: count) { sink &+= try protobufDecoder.deserialize(bytes).id.utf8.count })
    times[1].append(try nanoseconds(count: count) { sink &+= try handDecoder.deserialize(bytes).id.utf8.count })
    times[2].append(try nanoseconds(count: count) { sink &+= (try protobufEncoder.serialize(answer) as [UInt8]).count })
    times[3].append(try nanoseconds(count: count) { sink &+= (try handEncoder.serialize(answer) as [UInt8]).count })
  }
  let (decode, handDecode, encode, handEncode) = (
    median(times[0]), median(times[1]), median(times[2]), median(times[3])
  )
  print(
    "| \(name) | \(Int(decode)) ns | \(Int(handDecode)) ns | \(ratio(handDecode, decode)) "
      + "| \(Int(encode)) ns | \(Int(handEncode)) ns | \(ratio(handEncode, encode)) |")
}
precondition(sink != 0)
