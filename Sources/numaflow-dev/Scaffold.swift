import ArgumentParser
import Foundation
import NumaflowCore
import NumaflowDevKit

extension NumaflowDev {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start a UDF package of your own: a handler, a test, a sample input, a Dockerfile and a manifest.",
      discussion: """
        Kinds: \(ScaffoldTemplate.all.map(\.kind).joined(separator: ", ")).
        Example:
          numaflow-dev init map my-udf --local-path ~/numaflow-swift
          cd my-udf && swift test
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

    @Option(help: "The SDK version to depend on (from:); by default this numaflow-dev's, \(NumaflowSDK.version).")
    var sdkVersion: String?

    @Option(help: "Depend on a branch of --sdk-url instead of a version: for a copy without its release tags.")
    var sdkBranch: String?

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
      guard sdkBranch == nil || sdkURL != nil else {
        throw ValidationError("--sdk-branch names a branch of --sdk-url; a --local-path checkout is used as it is")
      }
      guard sdkBranch == nil || sdkVersion == nil else {
        throw ValidationError("give --sdk-branch or --sdk-version, not both: a package depends on one or the other")
      }
      // Each is written into Package.swift as a string literal.
      let literals = [("--sdk-url", sdkURL), ("--sdk-branch", sdkBranch), ("--sdk-version", sdkVersion)]
      for case let (option, value?) in literals
      where value.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) {
        throw ValidationError(
          "\(option) '\(value)' has a quote, a backslash or a line break, which no git URL, branch or version has")
      }
    }

    func run() throws {
      let template = ScaffoldTemplate.all.first { $0.kind == kind }!
      let root = (into as NSString).appendingPathComponent(name)
      guard !FileManager.default.fileExists(atPath: root) else {
        throw ValidationFailure("\(root) exists already: pick another name or --into")
      }
      let dependency: (line: String, identity: String, sdkPath: String)
      if let localPath {
        let path = URL(fileURLWithPath: localPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path + "/Package.swift") else {
          throw ValidationFailure("\(path) is not a checkout of this SDK (no Package.swift)")
        }
        dependency = (".package(path: \"\(path)\")", (path as NSString).lastPathComponent.lowercased(), path)
      } else {
        let url = sdkURL!
        let identity = ((url as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        let requirement = sdkBranch.map { "branch: \"\($0)\"" } ?? "from: \"\(sdkVersion ?? NumaflowSDK.version)\""
        dependency = (
          ".package(url: \"\(url)\", \(requirement))", identity, ".build-image/checkouts/\(identity)"
        )
      }
      let files = Scaffold(
        name: name, template: template, dependency: dependency.line, identity: dependency.identity,
        sdkPath: dependency.sdkPath
      ).files
      for (path, contents) in files {
        let file = (root as NSString).appendingPathComponent(path)
        try FileManager.default.createDirectory(
          atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
      }
      print("created \(root), a package for the \(kind) kind (\(files.count) files); next: cd \(root) && swift test")
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
  /// Where the SDK's checkout is, for its `Docker/` scripts: the local path, or where SwiftPM
  /// checks it out under `.build-image`.
  let sdkPath: String

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
      ("Sources/\(name)/main.swift", imports([module, template.product]) + Self.startUp + template.main),
      (
        "Tests/\(module)Tests/HandlerTests.swift",
        imports(["FoundationEssentials", module, template.product, "NumaflowTesting", "Testing"]) + template.test
      ),
      ("Dockerfile", dockerfile),
      (".dockerignore", ".build*/\n.git/\n"),
      ("Makefile", makefile),
      ("manifests/pipeline.yaml", manifest),
      ("README.md", readme),
      (".gitignore", ".build*/\nPackage.resolved\n/.swiftpm\n"),
    ] + (template.input.map { [("input.jsonl", $0)] } ?? [])
      + (template.pipelineInput.map { [("pipeline-input.jsonl", $0)] } ?? [])
  }

  /// The start of every scaffold's `main.swift`: where start-up work goes, so that its failure
  /// reaches the Numaflow UI.
  static let startUp = """
    // Start-up work (loading a model, opening a connection) goes in here: if it throws, the error
    // is shown in the Numaflow UI as a handler's would be, and the container exits with status 1.
    await UDFFailure.reportingCritical(while: "starting up") {
    }

    """

  func imports(_ modules: [String]) -> String {
    modules.map { "import \($0)\n" }.joined() + "\n"
  }

  /// How `numaflow-dev run` drives the server on the sample input.
  var runCommand: String {
    let options = [template.runOptions, template.input == nil ? "" : "--input input.jsonl"].filter { !$0.isEmpty }
    return (["numaflow-dev run \(template.kind)"] + options + ["-- .build/debug/\(name)"]).joined(separator: " ")
  }

  /// How `numaflow-dev pipeline run` runs the manifest with this package's server.
  var pipelineCommand: String {
    let data =
      template.pipelineSource.map {
        "--input \($0)=\(template.pipelineInput == nil ? "input" : "pipeline-input").jsonl"
      }
      ?? "--messages 5"
    return "numaflow-dev pipeline run manifests/pipeline.yaml --bin-dir .build/debug \(data)"
  }

  var packageManifest: String {
    """
    // swift-tools-version: 6.2
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
    # Registry build: docker build -t \(name):latest . (or podman). It needs this package to
    # depend on the SDK by URL; `make image` builds the same image on this machine, pulling nothing.
    FROM swift:6.3-bookworm AS build
    WORKDIR /src
    COPY . .
    # The SDK's own script builds the binary and lays out the FROM scratch root filesystem: the
    # binary, the libraries ldd finds it needs, and user 65532.
    RUN swift package --scratch-path .build-image resolve \\
     && .build-image/checkouts/\(identity)/Docker/build-rootfs.sh \(name) /rootfs

    FROM scratch
    COPY --from=build /rootfs/ /
    # glibc's malloc as the SDK's images set it (its Docker/runtime.env says why).
    ENV MALLOC_ARENA_MAX=2 MALLOC_TOP_PAD_=1048576
    USER 65532:65532
    ENTRYPOINT ["/usr/local/bin/udf"]

    """
  }

  var makefile: String {
    """
    IMAGE ?= \(name):latest
    # The SDK's checkout: its Docker/ scripts build the image.
    SDK ?= \(sdkPath)
    # docker when its daemon answers, else podman.
    ENGINE ?= $(shell $(SDK)/Docker/engine.sh)

    .PHONY: build test image

    build:
    \tswift build

    test:
    \tswift test

    .build-image/checkouts: Package.swift
    \tswift package --scratch-path .build-image resolve

    image: .build-image/checkouts ## A FROM scratch image from a release build here, pulling nothing.
    \t$(SDK)/Docker/build-rootfs.sh \(name) .build-image/rootfs
    \t$(ENGINE) build -f $(SDK)/Docker/Dockerfile.local -t $(IMAGE) .build-image/rootfs

    """
  }

  var manifest: String {
    """
    # Build and push the image first: make image IMAGE=<registry>/\(name):latest
    apiVersion: numaflow.numaproj.io/v1alpha1
    kind: \(template.manifestKind)
    metadata:
      name: \(name)

    """
      + template.spec.replacingOccurrences(of: "IMAGE", with: "\(name):latest")
      .replacingOccurrences(of: "NAME", with: name)
  }

  var readme: String {
    """
    # \(name)

    A Numaflow \(template.kind) UDF in Swift, made with `numaflow-dev init \(template.kind) \(name)`.
    The handler is `Sources/\(module)/Handler.swift`; `Sources/\(name)/main.swift` serves it.

    ```sh
    swift test                     # the handler's test, with NumaflowTesting
    swift build                    # then drive the server locally, as numa would:
    \(runCommand)
    ```

    The whole pipeline of `manifests/pipeline.yaml`, with this server in it, runs locally too:

    ```sh
    \(pipelineCommand)
    ```

    `numaflow-dev` comes with the SDK (`swift build --product numaflow-dev` in its checkout).
    `make image` builds a `FROM scratch` image from a release build here, with docker or podman
    (the `Dockerfile` builds the same in Swift's image, once the SDK is a URL dependency);
    `manifests/pipeline.yaml` runs it once the image is pushed where your cluster pulls from.
    Import `FoundationEssentials` rather than `Foundation`: `Foundation` adds 34 MB to the image.

    """
  }
}
