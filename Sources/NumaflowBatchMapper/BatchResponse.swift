/// The outputs for one datum of a batch: none to drop it, several to flat-map it.
public struct BatchResponse: Sendable, Hashable {
  /// The `Datum.id` of the datum answered.
  public var id: String
  public var messages: [Message]

  public init(id: String, messages: [Message] = []) {
    self.id = id
    self.messages = messages
  }
}
