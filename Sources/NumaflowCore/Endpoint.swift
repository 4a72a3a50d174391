/// Where numa finds one kind of server: the socket it dials and the server-info file it reads
/// first. The one place the SDK spells socket names (protocol.md §2.1).
package struct Endpoint: Sendable, Hashable {
  /// Which server-info file numa waits for, and the minimum Numaflow version it states.
  package let containerType: ContainerType
  /// The socket's file name in the socket directory.
  package let socketFileName: String
  /// Keys numa reads from server-info, such as `MAP_MODE`.
  package let serverInfoMetadata: [String: String]

  package init(_ containerType: ContainerType, socket: String, serverInfoMetadata: [String: String] = [:]) {
    self.containerType = containerType
    self.socketFileName = socket
    self.serverInfoMetadata = serverInfoMetadata
  }

  package static let map = Endpoint(.mapper, socket: "map.sock", serverInfoMetadata: ["MAP_MODE": "unary-map"])
  package static let mapStream = Endpoint(
    .mapper, socket: "mapstream.sock", serverInfoMetadata: ["MAP_MODE": "stream-map"])
  package static let batchMap = Endpoint(
    .mapper, socket: "batchmap.sock", serverInfoMetadata: ["MAP_MODE": "batch-map"])
  package static let sourceTransformer = Endpoint(.sourceTransformer, socket: "sourcetransform.sock")
  package static let source = Endpoint(.sourcer, socket: "source.sock")
  package static let sink = Endpoint(.sinker, socket: "sink.sock")
  package static let fallbackSink = Endpoint(.fallbackSinker, socket: "fb-sink.sock")
  package static let onSuccessSink = Endpoint(.onSuccessSinker, socket: "ons-sink.sock")
  package static let reduce = Endpoint(.reducer, socket: "reduce.sock")
  package static let reduceStream = Endpoint(.reduceStreamer, socket: "reducestream.sock")
  package static let sessionReduce = Endpoint(.sessionReducer, socket: "sessionreduce.sock")
  package static let accumulator = Endpoint(.accumulator, socket: "accumulator.sock")
  package static let sideInput = Endpoint(.sideInput, socket: "sideinput.sock")
  package static let serving = Endpoint(.serving, socket: "serving.sock")

  /// Every endpoint of the protocol, the unary map first among the map modes.
  package static let all: [Endpoint] = [
    .map, .mapStream, .batchMap, .sourceTransformer, .source, .sink, .fallbackSink, .onSuccessSink, .reduce,
    .reduceStream, .sessionReduce, .accumulator, .sideInput, .serving,
  ]

  /// The sink endpoint for a container whose `NUMAFLOW_UD_CONTAINER_TYPE` is `containerType`:
  /// `fb-udsink` is a fallback sink, `ons-udsink` an on-success sink, anything else the
  /// primary sink (as in the Go and Python SDKs).
  package static func sink(forContainerType containerType: String) -> Endpoint {
    switch containerType {
    case "fb-udsink": .fallbackSink
    case "ons-udsink": .onSuccessSink
    default: .sink
    }
  }

  /// The endpoint numa dials after reading a server-info file of `containerType` (the file's
  /// name without `-server-info`) with `metadata`: a mapper's socket follows `MAP_MODE`, where a
  /// missing or unknown value means unary map (numaflow-shared `MapMode::from`).
  package static func dialed(containerType: String, metadata: [String: String]) -> Endpoint? {
    let candidates = all.filter { $0.containerType.name == containerType }
    return candidates.first { $0.serverInfoMetadata["MAP_MODE"] == metadata["MAP_MODE"] } ?? candidates.first
  }
}
