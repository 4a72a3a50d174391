/// The kind of UDF container a server is, as the data plane derives it from the server-info file
/// name (`<name>-server-info`).
///
/// A struct with static members rather than an enum, so that new kinds can be added without
/// breaking anyone's `switch`.
public struct ContainerType: Sendable, Hashable, CustomStringConvertible {
  /// The name numa recognises: `mapper`, `sourcetransformer`, `sinker`, ...
  public let name: String
  /// The lowest Numaflow version this SDK supports for the kind, written into server-info.
  public let minimumNumaflowVersion: String

  public init(name: String, minimumNumaflowVersion: String) {
    self.name = name
    self.minimumNumaflowVersion = minimumNumaflowVersion
  }

  /// The server-info file numa reads for this kind.
  public var serverInfoFileName: String { "\(name)-server-info" }

  public var description: String { name }

  /// Every map mode: unary, stream and batch.
  public static let mapper = ContainerType(name: "mapper", minimumNumaflowVersion: minimumVersion)
  /// Source transformers.
  public static let sourceTransformer = ContainerType(name: "sourcetransformer", minimumNumaflowVersion: minimumVersion)
  /// User-defined sources.
  public static let sourcer = ContainerType(name: "sourcer", minimumNumaflowVersion: minimumVersion)
  /// Primary sinks.
  public static let sinker = ContainerType(name: "sinker", minimumNumaflowVersion: minimumVersion)
  /// Fallback sinks.
  public static let fallbackSinker = ContainerType(name: "fb-sinker", minimumNumaflowVersion: minimumVersion)
  /// On-success sinks.
  public static let onSuccessSinker = ContainerType(name: "ons-sinker", minimumNumaflowVersion: minimumVersion)
  /// Aligned (fixed and sliding window) reducers.
  public static let reducer = ContainerType(name: "reducer", minimumNumaflowVersion: minimumVersion)
  /// Aligned reducers that stream their results.
  public static let reduceStreamer = ContainerType(name: "reducestreamer", minimumNumaflowVersion: minimumVersion)
  /// Session window reducers.
  public static let sessionReducer = ContainerType(name: "sessionreducer", minimumNumaflowVersion: minimumVersion)
  /// Accumulators.
  public static let accumulator = ContainerType(name: "accumulator", minimumNumaflowVersion: minimumVersion)
  /// Side-input retrievers.
  public static let sideInput = ContainerType(name: "sideinput", minimumNumaflowVersion: minimumVersion)
  /// Serving stores.
  public static let serving = ContainerType(name: "serving", minimumNumaflowVersion: minimumVersion)

  /// Numaflow 1.8.0 is the first release that accepts a language it does not know ("swift").
  static let minimumVersion = NumaflowVersion.sdkMinimum.serverInfoValue
}
