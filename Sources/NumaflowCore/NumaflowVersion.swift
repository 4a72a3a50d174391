/// A Numaflow release: the lowest one numa must run for a UDF, written into server-info as
/// `minimum_numaflow_version`. numa compares it with its own version when it starts and
/// refuses the container, with a message naming both, when it is older. So a UDF that relies
/// on a newer feature fails at once on an older platform, instead of having its outputs
/// misread (an older numa takes a nack or fail tag for an ordinary tag).
///
/// ```swift
/// var configuration = ServerConfiguration.defaults
/// configuration.minimumNumaflowVersion = .failAndRetry   // this mapper returns Message.fail()
/// await MapServer(configuration: configuration, mapper: Retrying()).runService()
/// ```
///
/// | feature | needs |
/// |---|---|
/// | any Swift UDF (numa accepts the language `swift`) | ``sdkMinimum``, 1.8.0 |
/// | `Message.nack` outputs, sink `.nack` responses | ``nackTags``, 1.8.2 |
/// | `Message.fail()` outputs (fail and retry) | ``failAndRetry``, 1.9.0 |
public struct NumaflowVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let major: Int
  public let minor: Int
  public let patch: Int

  public init(_ major: Int, _ minor: Int, _ patch: Int) {
    (self.major, self.minor, self.patch) = (major, minor, patch)
  }

  /// The first release that accepts an SDK language it does not know: what every server of
  /// this SDK writes at least.
  public static let sdkMinimum = NumaflowVersion(1, 8, 0)
  /// The first release that reads nack tags on map and transformer outputs and nack responses
  /// from sinks.
  public static let nackTags = NumaflowVersion(1, 8, 2)
  /// The first release that calls a map, stream map, batch map or transformer again for an
  /// input it failed (numaproj/numaflow#3570, on main after v1.8.3, expected in 1.9.0).
  public static let failAndRetry = NumaflowVersion(1, 9, 0)

  /// `1.9.0`.
  public var description: String { "\(major).\(minor).\(patch)" }

  /// The constraint as server-info carries it. numa checks `>= <this>`; the `-z` suffix keeps
  /// pre-releases of the version (`1.9.0-rc1`) on the accepted side, as the other SDKs do.
  package var serverInfoValue: String { "\(description)-z" }

  public static func < (lhs: NumaflowVersion, rhs: NumaflowVersion) -> Bool {
    (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
  }
}
