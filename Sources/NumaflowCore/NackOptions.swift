import NumaflowProtos

/// How numa should redeliver an input that a UDF negatively acknowledges
/// (`Message.nack(_:)`): the input is not acknowledged, and the source delivers it again.
///
/// Needs Numaflow 1.8.2 or later. Older versions do not know the ``Tags/nack`` tag and would
/// forward the nack message downstream as an ordinary, empty message.
///
/// ```swift
/// return [.nack(NackOptions(reason: "rate limited", delay: .seconds(30)))]
/// ```
public struct NackOptions: Sendable, Hashable {
  /// Why the input was refused; informational (logs).
  public var reason: String?
  /// A hint: how many deliveries the input should get at most.
  public var maxDeliveries: UInt32?
  /// How long to wait before redelivering; whole milliseconds on the wire.
  public var delay: Duration?
  /// Further key/value data for the source.
  public var values: [String: String]

  public init(
    reason: String? = nil,
    maxDeliveries: UInt32? = nil,
    delay: Duration? = nil,
    values: [String: String] = [:]
  ) {
    self.reason = reason
    self.maxDeliveries = maxDeliveries
    self.delay = delay
    self.values = values
  }

  /// The options as numa receives them.
  package var proto: NackOptions_NackOptions {
    var options = NackOptions_NackOptions()
    if let reason { options.reason = reason }
    if let maxDeliveries { options.maxDeliveries = maxDeliveries }
    if let delay {
      let (seconds, attoseconds) = delay.components
      options.delay = UInt64(max(0, seconds)) * 1000 + UInt64(max(0, attoseconds) / 1_000_000_000_000_000)
    }
    options.nackMap = values
    return options
  }

  /// The options a wire message carries (for clients and tests).
  package init(_ proto: NackOptions_NackOptions) {
    self.init(
      reason: proto.hasReason ? proto.reason : nil,
      maxDeliveries: proto.hasMaxDeliveries ? proto.maxDeliveries : nil,
      delay: proto.hasDelay ? .milliseconds(proto.delay) : nil,
      values: proto.nackMap
    )
  }
}
