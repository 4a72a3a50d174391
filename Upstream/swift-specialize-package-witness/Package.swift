// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "specialize-package-witness",
  targets: [
    .target(name: "Lib"),
    .executableTarget(name: "App", dependencies: ["Lib"]),
  ]
)
