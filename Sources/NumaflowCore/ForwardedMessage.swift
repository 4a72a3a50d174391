/// An output that numa forwards along the pipeline's edges by its tags: a map's, a source
/// transformer's, a reducer's or an accumulator's `Message`. What they share is what their tags
/// say; each kind's `Message` has the constructors its wire allows (`drop()` on all of them,
/// `nack` and `fail` in the map family).
public protocol ForwardedMessage: Sendable {
  /// The message's tags, matched by the vertex's conditional forwarding.
  var tags: [String] { get }
}

extension ForwardedMessage {
  /// Whether this is a `drop()`: numa forwards it nowhere.
  public var isDrop: Bool { tags.contains(Tags.drop) }
}
