import ArgumentParser
import Foundation
import NumaflowCore

extension NumaflowDev {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start a UDF package of your own: a handler, a test, a sample input, a Dockerfile and a manifest.",
      discussion: """
        Kinds: \(ScaffoldTemplate.all.map(\.kind).joined(separator: ", ")).
        Example:
          numaflow-dev init map my-udf --local-path ~/numaflow-swift && cd my-udf && swift test
        """
    )

    @Argument(help: "The kind of UDF: \(ScaffoldTemplate.all.map(\.kind).joined(separator: ", ")).")
    var kind: String

    @Argument(help: "The package's name, and its folder's (letters, digits and '-').")
    var name: String

    @Option(help: "Depend on a local checkout of this SDK instead of its git URL.")
    var localPath: String?

    @Option(help: "This SDK's git URL, to depend on it by version.")
    var sdkURL: String?

    @Option(help: "The SDK version to depend on (from:).")
    var sdkVersion: String = NumaflowSDK.version

    @Option(help: "Where to create the package's folder.")
    var into: String = "."

    func validate() throws {
      guard ScaffoldTemplate.all.contains(where: { $0.kind == kind }) else {
        throw ValidationError(
          "init makes \(ScaffoldTemplate.all.map(\.kind).joined(separator: ", ")) packages, not '\(kind)'")
      }
      guard name.first?.isLetter == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
        throw ValidationError("a package name starts with a letter and has only letters, digits and '-'")
      }
      guard (localPath == nil) != (sdkURL == nil) else {
        throw ValidationError("give either --local-path DIR (a checkout of this SDK) or --sdk-url URL (its git URL)")
      }
    }

    func run() throws {
      let template = ScaffoldTemplate.all.first { $0.kind == kind }!
      let root = (into as NSString).appendingPathComponent(name)
      guard !FileManager.default.fileExists(atPath: root) else {
        throw ValidationFailure("\(root) exists already: pick another name or --into")
      }
      let dependency: (line: String, identity: String)
      if let localPath {
        let path = URL(fileURLWithPath: localPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path + "/Package.swift") else {
          throw ValidationFailure("\(path) is not a checkout of this SDK (no Package.swift)")
        }
        dependency = (".package(path: \"\(path)\")", (path as NSString).lastPathComponent.lowercased())
      } else {
        let url = sdkURL!
        let identity = ((url as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        dependency = (".package(url: \"\(url)\", from: \"\(sdkVersion)\")", identity)
      }
      let files = Scaffold(name: name, template: template, dependency: dependency.line, identity: dependency.identity)
        .files
      for (path, contents) in files {
        let file = (root as NSString).appendingPathComponent(path)
        try FileManager.default.createDirectory(
          atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
      }
      print("created \(root): a \(kind) UDF package (\(files.count) files); next: cd \(root) && swift test")
    }
  }
}

/// The files of a new UDF package.
struct Scaffold {
  let name: String
  let template: ScaffoldTemplate
  /// The `.package(...)` line for this SDK, and the identity products are named with.
  let dependency: String
  let identity: String

  /// The library target's module name: `my-udf` becomes `MyUdf`.
  var module: String {
    name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
      .joined()
  }

  var files: [(String, String)] {
    let module = module
    return [
      ("Package.swift", packageManifest),
      ("Sources/\(module)/Handler.swift", template.handler),
      ("Sources/\(name)/main.swift", template.main.replacingOccurrences(of: "MODULE", with: module)),
      ("Tests/\(module)Tests/HandlerTests.swift", template.test.replacingOccurrences(of: "MODULE", with: module)),
      ("input.jsonl", template.input),
      ("Dockerfile", dockerfile),
      ("Makefile", makefile),
      ("manifests/pipeline.yaml", manifest),
      ("README.md", readme),
      (".gitignore", ".build*/\nPackage.resolved\n/.swiftpm\n"),
    ]
  }

  var packageManifest: String {
    """
    // swift-tools-version: 6.1
    import PackageDescription

    let package = Package(
      name: "\(name)",
      platforms: [.macOS(.v15)],
      dependencies: [
        \(dependency),
      ],
      targets: [
        // The handler, in a library so that the tests can import it.
        .target(
          name: "\(module)",
          dependencies: [.product(name: "\(template.product)", package: "\(identity)")]
        ),
        // The server: what the image runs.
        .executableTarget(
          name: "\(name)",
          dependencies: ["\(module)", .product(name: "\(template.product)", package: "\(identity)")]
        ),
        .testTarget(
          name: "\(module)Tests",
          dependencies: [
            "\(module)", .product(name: "\(template.product)", package: "\(identity)"),
            .product(name: "NumaflowTesting", package: "\(identity)"),
          ]
        ),
      ],
      swiftLanguageModes: [.v6]
    )

    """
  }

  var dockerfile: String {
    """
    # make image (or docker/podman build -t \(name):latest .)
    FROM swift:6.1-bookworm AS build
    WORKDIR /src
    COPY . .
    RUN swift build -c release --product \(name) --static-swift-stdlib \\
     && install -D "$(swift build -c release --show-bin-path)/\(name)" /out/udf

    FROM debian:bookworm-slim
    RUN apt-get update \\
     && apt-get install -y --no-install-recommends libstdc++6 zlib1g \\
     && rm -rf /var/lib/apt/lists/*
    COPY --from=build /out/udf /usr/local/bin/udf
    ENV MALLOC_ARENA_MAX=2
    USER 65532:65532
    ENTRYPOINT ["/usr/local/bin/udf"]

    """
  }

  var makefile: String {
    """
    IMAGE ?= \(name):latest
    ENGINE ?= $(shell command -v docker || command -v podman)

    .PHONY: build test image

    build:
    \tswift build

    test:
    \tswift test

    image: ## Needs docker or podman, and the SDK by URL (a --local-path checkout is outside the build context).
    \t$(ENGINE) build -t $(IMAGE) .

    """
  }

  var manifest: String {
    """
    # Build and push the image first: make image IMAGE=<registry>/\(name):latest
    apiVersion: numaflow.numaproj.io/v1alpha1
    kind: Pipeline
    metadata:
      name: \(name)
    spec:
      vertices:

    """ + template.vertices.replacingOccurrences(of: "IMAGE", with: "\(name):latest")
  }

  var readme: String {
    """
    # \(name)

    A Numaflow \(template.kind) UDF in Swift, made with `numaflow-dev init \(template.kind) \(name)`.
    The handler is `Sources/\(module)/Handler.swift`; `Sources/\(name)/main.swift` serves it.

    ```sh
    swift test                     # the handler's test, with NumaflowTesting
    swift build                    # then drive the server locally, as numa would:
    numaflow-dev run \(template.kind) --input input.jsonl -- .build/debug/\(name)
    ```

    `numaflow-dev` comes with the SDK (`swift build --product numaflow-dev` in its checkout).
    `make image` builds a container image with docker or podman; `manifests/pipeline.yaml` runs it
    in a pipeline once the image is pushed where your cluster pulls from.

    """
  }
}
