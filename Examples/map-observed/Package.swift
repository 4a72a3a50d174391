// swift-tools-version:6.2
// A package of its own: the exporters it bootstraps (swift-otel, swift-prometheus, Hummingbird
// for /metrics) stay out of the SDK's build. `swift build` here; `make image-check
// EXAMPLE=map-observed` from the repository's root.
import PackageDescription

let package = Package(
  name: "map-observed",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "numaflow-swift", path: "../.."),
    // OTLP over gRPC only: the HTTP exporter would bring an HTTP client along.
    .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPGRPC"]),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
  ],
  targets: [
    .executableTarget(
      name: "map-observed",
      dependencies: [
        .product(name: "NumaflowMapper", package: "numaflow-swift"),
        .product(name: "OTel", package: "swift-otel"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Tracing", package: "swift-distributed-tracing"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Sources",
      swiftSettings: [.swiftLanguageMode(.v6)]
    )
  ]
)
