// swift-tools-version:6.2
import Foundation
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let grpcCore = Target.Dependency.product(name: "GRPCCore", package: "grpc-swift-2")
let grpcInProcess = Target.Dependency.product(name: "GRPCInProcessTransport", package: "grpc-swift-2")
let grpcPosix = Target.Dependency.product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport")
let grpcProtobuf = Target.Dependency.product(name: "GRPCProtobuf", package: "grpc-swift-protobuf")
let swiftProtobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioHTTP2 = Target.Dependency.product(name: "NIOHTTP2", package: "swift-nio-http2")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")
let inMemoryTracing = Target.Dependency.product(name: "InMemoryTracing", package: "swift-distributed-tracing")
let metrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let metricsTestKit = Target.Dependency.product(name: "MetricsTestKit", package: "swift-metrics")
let traceContext = Target.Dependency.product(name: "W3CTraceContext", package: "swift-w3c-trace-context")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// An example UDF: an executable whose sources live in `Examples/<name>/Sources`.
func example(_ name: String, module: Target.Dependency = "NumaflowMapper", also: [Target.Dependency] = []) -> Target {
  .executableTarget(
    name: name,
    dependencies: [module] + also,
    path: "Examples/\(name)/Sources",
    swiftSettings: swiftSettings
  )
}

let package = Package(
  name: "numaflow-swift",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "NumaflowMapper", targets: ["NumaflowMapper"]),
    .library(name: "NumaflowMapStreamer", targets: ["NumaflowMapStreamer"]),
    .library(name: "NumaflowBatchMapper", targets: ["NumaflowBatchMapper"]),
    .library(name: "NumaflowSourceTransformer", targets: ["NumaflowSourceTransformer"]),
    .library(name: "NumaflowSourcer", targets: ["NumaflowSourcer"]),
    .library(name: "NumaflowSinker", targets: ["NumaflowSinker"]),
    .library(name: "NumaflowReducer", targets: ["NumaflowReducer"]),
    .library(name: "NumaflowReduceStreamer", targets: ["NumaflowReduceStreamer"]),
    .library(name: "NumaflowSessionReducer", targets: ["NumaflowSessionReducer"]),
    .library(name: "NumaflowAccumulator", targets: ["NumaflowAccumulator"]),
    .library(name: "NumaflowSideInput", targets: ["NumaflowSideInput"]),
    .library(name: "NumaflowServingStore", targets: ["NumaflowServingStore"]),
    .library(name: "NumaflowTesting", targets: ["NumaflowTesting"]),
    .executable(name: "numaflow-dev", targets: ["numaflow-dev"]),
  ],
  dependencies: [
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    // No default traits: BinaryDelimitedStreams imports all of Foundation (and ICU), 6 MB of
    // resident memory in every process; the SDK needs none of it (grpc-swift-protobuf opts out too).
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0", traits: []),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    // Observability: spans, metrics, and the W3C trace context numa sends.
    .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
    // Model-based property tests.
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    // `make docs`: swift package generate-documentation.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    // `numaflow-dev pipeline run` reads Pipeline manifests.
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
  ],
  targets: [
    // Generated by `make protos`; `package` access level, never part of the public API.
    .target(
      name: "NumaflowProtos",
      dependencies: [grpcCore, grpcProtobuf, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    // glibc's mallopt, which the Glibc module does not export (see AllocatorSetting.swift).
    .target(name: "CNumaflowMalloc"),
    .target(
      name: "NumaflowCore",
      dependencies: [
        "NumaflowProtos", "CNumaflowMalloc", grpcCore, grpcPosix, grpcProtobuf, swiftProtobuf, logging, nioCore,
        nioPosix, nioHTTP2, unixSignals, serviceLifecycle, tracing, inMemoryTracing, metrics, traceContext,
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowMapper",
      dependencies: ["NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf, logging],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowMapStreamer",
      dependencies: ["NumaflowCore", "NumaflowMapper", "NumaflowProtos", grpcCore, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowBatchMapper",
      dependencies: ["NumaflowCore", "NumaflowMapper", "NumaflowProtos", grpcCore, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowSourceTransformer",
      dependencies: ["NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf, logging],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowSourcer",
      dependencies: [
        "NumaflowCore", "NumaflowProtos", grpcCore, swiftProtobuf, logging,
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowSinker",
      dependencies: ["NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowReducer",
      dependencies: ["NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowReduceStreamer",
      dependencies: ["NumaflowCore", "NumaflowReducer", "NumaflowProtos", grpcCore, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowSessionReducer",
      dependencies: [
        "NumaflowCore", "NumaflowReducer", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf, logging,
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowAccumulator",
      dependencies: ["NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf, logging],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowSideInput",
      dependencies: ["NumaflowCore", "NumaflowProtos", grpcCore, swiftProtobuf],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowServingStore",
      dependencies: [
        "NumaflowCore", "NumaflowProtos", grpcCore, swiftProtobuf,
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "NumaflowTesting",
      dependencies: [
        "NumaflowCore", "NumaflowMapper", "NumaflowMapStreamer", "NumaflowBatchMapper", "NumaflowSourceTransformer",
        "NumaflowSourcer", "NumaflowSinker", "NumaflowSideInput", "NumaflowServingStore", "NumaflowReducer",
        "NumaflowReduceStreamer", "NumaflowAccumulator", "NumaflowSessionReducer",
        "NumaflowProtos", grpcCore, grpcInProcess, grpcPosix, swiftProtobuf, logging, tracing,
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "numaflow-dev",
      dependencies: [
        "NumaflowTesting", "NumaflowMapper", "NumaflowMapStreamer", "NumaflowBatchMapper", "NumaflowSourceTransformer",
        "NumaflowSourcer", "NumaflowSinker", "NumaflowSideInput", "NumaflowServingStore", "NumaflowReducer",
        "NumaflowReduceStreamer", "NumaflowAccumulator", "NumaflowSessionReducer",
        "NumaflowCore", "NumaflowDevKit", "NumaflowProtos", argumentParser, grpcCore, swiftProtobuf, nioPosix,
        traceContext,
      ],
      swiftSettings: swiftSettings
    ),

    // The parsing numaflow-dev does (input lines, server-info, Pipeline manifests), in a module of
    // its own so the fuzz targets and unit tests can reach it.
    .target(
      name: "NumaflowDevKit",
      dependencies: ["NumaflowCore", .product(name: "Yams", package: "Yams")],
      swiftSettings: swiftSettings
    ),
    // The decoders under attack by `make fuzz`, replayed on their corpora by FuzzCorpusTests.
    .target(
      name: "NumaflowFuzzTargets",
      dependencies: [
        "NumaflowAccumulator", "NumaflowCore", "NumaflowDevKit", "NumaflowMapper", "NumaflowProtos", "NumaflowReducer",
        "NumaflowSessionReducer", "NumaflowSideInput", "NumaflowSinker", "NumaflowSourcer", "NumaflowSourceTransformer",
        "NumaflowTesting", nioCore,
        .product(name: "NIOEmbedded", package: "swift-nio"),
        swiftProtobuf,
      ],
      path: "Fuzz/Targets",
      swiftSettings: swiftSettings
    ),

    example("map-forward-message"),
    example("map-flatmap"),
    example("map-even-odd"),
    example("mapstream-flatmap-stream", module: "NumaflowMapStreamer"),
    example("batchmap-flatmap", module: "NumaflowBatchMapper"),
    example("sourcetransform-event-time-filter", module: "NumaflowSourceTransformer"),
    example("source-simple", module: "NumaflowSourcer"),
    example("source-async-sequence", module: "NumaflowSourcer"),
    example("sink-log", module: "NumaflowSinker", also: [logging]),
    example("sink-all-sinks", module: "NumaflowSinker", also: [logging]),
    example("sink-retry-backoff", module: "NumaflowSinker", also: [logging]),
    example("reduce-counter", module: "NumaflowReducer"),
    example("reducestream-counter", module: "NumaflowReduceStreamer"),
    example("accumulator-stream-sorter", module: "NumaflowAccumulator"),
    example("session-counter", module: "NumaflowSessionReducer"),
    example("sideinput-simple", module: "NumaflowSideInput"),
    example("sideinput-map-consumer", also: ["NumaflowSideInput"]),
    example("serving-in-memory", module: "NumaflowServingStore", also: [logging]),

    // A gRPC echo server with no SDK in it: the benchmark's baseline.
    .executableTarget(
      name: "bare-echo-server",
      dependencies: ["NumaflowProtos", grpcCore, grpcPosix, grpcProtobuf, swiftProtobuf],
      path: "Benchmarks/bare-echo-server",
      swiftSettings: swiftSettings
    ),
    // The map kinds' hand codecs against SwiftProtobuf, in one process.
    .executableTarget(
      name: "wire-codec-bench",
      dependencies: ["NumaflowMapper", "NumaflowCore", "NumaflowProtos", grpcProtobuf, swiftProtobuf],
      path: "Benchmarks/wire-codec",
      swiftSettings: swiftSettings
    ),
    // A map or source transform server whose behaviour the integration tests choose through
    // the request value.
    .executableTarget(
      name: "fixture-server",
      dependencies: [
        "NumaflowMapper", "NumaflowMapStreamer", "NumaflowBatchMapper", "NumaflowSourceTransformer", "NumaflowSinker",
        serviceLifecycle, unixSignals, logging,
      ],
      path: "Tests/Fixtures/fixture-server",
      swiftSettings: swiftSettings
    ),

    .testTarget(
      name: "NumaflowDevKitTests",
      dependencies: ["NumaflowDevKit"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowCoreTests",
      dependencies: [
        "NumaflowCore", "NumaflowProtos", "NumaflowTesting", grpcCore, grpcProtobuf, swiftProtobuf, logging, nioCore,
        nioPosix, .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"), nioHTTP2,
        metricsTestKit,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ObservabilityTests",
      dependencies: [
        "NumaflowMapper", "NumaflowBatchMapper", "NumaflowMapStreamer", "NumaflowSinker", "NumaflowReducer",
        "NumaflowSourcer", "NumaflowSourceTransformer", "NumaflowAccumulator", "NumaflowSessionReducer",
        "NumaflowSideInput", "NumaflowReduceStreamer", "NumaflowServingStore", "NumaflowTesting", tracing,
        inMemoryTracing, metricsTestKit,
        logging,
      ],
      swiftSettings: swiftSettings
    ),
    // Random wire messages for the hand codecs' tests (map, source transform, sink, reduce).
    .target(
      name: "WireTestSupport",
      dependencies: [
        "NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf, nioCore,
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      path: "Tests/WireTestSupport",
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowMapperTests",
      dependencies: [
        "NumaflowMapper", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore, grpcProtobuf,
        swiftProtobuf, nioCore,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowMapStreamerTests",
      dependencies: [
        "NumaflowMapStreamer", "NumaflowTesting", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowBatchMapperTests",
      dependencies: [
        "NumaflowBatchMapper", "NumaflowTesting", "NumaflowProtos", grpcCore, grpcProtobuf, swiftProtobuf,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowSourceTransformerTests",
      dependencies: [
        "NumaflowSourceTransformer", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore, grpcProtobuf,
        swiftProtobuf, nioCore,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowSourcerTests",
      dependencies: [
        "NumaflowSourcer", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore, grpcProtobuf,
        swiftProtobuf,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowSinkerTests",
      dependencies: [
        "NumaflowSinker", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore, grpcProtobuf,
        swiftProtobuf, nioCore,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowReducerTests",
      dependencies: [
        "NumaflowReducer", "NumaflowReduceStreamer", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore,
        grpcProtobuf, swiftProtobuf, nioCore,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowSessionReducerTests",
      dependencies: [
        "NumaflowSessionReducer", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore, grpcProtobuf,
        swiftProtobuf, nioCore,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowAccumulatorTests",
      dependencies: [
        "NumaflowAccumulator", "NumaflowTesting", "NumaflowProtos", "WireTestSupport", grpcCore, grpcProtobuf,
        swiftProtobuf, nioCore,
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowSideInputTests",
      dependencies: ["NumaflowSideInput", "NumaflowTesting", "NumaflowProtos", grpcCore],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "NumaflowServingStoreTests",
      dependencies: ["NumaflowServingStore", "NumaflowTesting", grpcCore],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ModelTests",
      dependencies: [
        "NumaflowSourcer", "NumaflowBatchMapper", "NumaflowReducer", "NumaflowSessionReducer", "NumaflowCore",
        "NumaflowTesting", .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "FuzzCorpusTests",
      dependencies: ["NumaflowFuzzTargets"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "IntegrationTests",
      dependencies: [
        "NumaflowTesting", "NumaflowMapper", "NumaflowSinker", "NumaflowSideInput", "NumaflowServingStore",
        "NumaflowCore", "NumaflowProtos", grpcCore, grpcProtobuf,
        swiftProtobuf, nioCore, nioPosix,
      ],
      swiftSettings: swiftSettings
    ),
  ]
)

// `make docs` compiles the README's examples: .ci/check-doc-examples.py writes each into a folder
// of .readme-examples/ (ignored by git), and with this variable set each folder is an executable.
if Context.environment["NUMAFLOW_SWIFT_README_EXAMPLES"] == "1" {
  let folder = ".readme-examples"
  let names = (try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/" + folder)) ?? []
  let modules = package.products.map { Target.Dependency.byName(name: $0.name) }
  for name in names.sorted() {
    package.targets.append(
      .executableTarget(
        name: name,
        dependencies: modules + [logging, serviceLifecycle, unixSignals, tracing],
        path: "\(folder)/\(name)",
        swiftSettings: swiftSettings
      )
    )
  }
}

// `make fuzz` builds the libFuzzer driver with this variable set. Only the modules whose decoders
// are under attack get libFuzzer's coverage and the address sanitizer: the packages below them
// compile as for the tests, so a build folder that has built the tests recompiles this package's
// modules only (CI shares `.build`; about 6 minutes less than instrumenting everything).
if Context.environment["NUMAFLOW_FUZZ"] == "1" {
  let instrumented: Set = [
    "NumaflowAccumulator", "NumaflowCore", "NumaflowDevKit", "NumaflowMapper", "NumaflowReducer",
    "NumaflowSessionReducer", "NumaflowSideInput", "NumaflowSinker", "NumaflowSourcer", "NumaflowSourceTransformer",
    "NumaflowFuzzTargets",
  ]
  let sanitizers = ["-sanitize=fuzzer,address"]
  for target in package.targets where instrumented.contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(sanitizers)]
  }
  package.targets.append(
    .executableTarget(
      name: "numaflow-fuzz",
      dependencies: ["NumaflowFuzzTargets"],
      path: "Fuzz/Driver",
      swiftSettings: swiftSettings + [.unsafeFlags(sanitizers)],
      linkerSettings: [.unsafeFlags(sanitizers)]
    )
  )
}
