import NumaflowCore

/// One output of a windowed kind (reducer, stream reducer, session reducer, accumulator), with
/// the window and keys numa receives it with.
public struct WindowOutput<Message: Sendable & Hashable>: Sendable, Hashable {
  public var message: Message
  public var window: Window
  public var keys: [String]

  public init(message: Message, window: Window, keys: [String]) {
    self.message = message
    self.window = window
    self.keys = keys
  }
}

/// What a windowed client got back from one stream: the outputs in the order they came, and the
/// windows numa was told were closed (the EOFs).
public struct WindowOutcome<Message: Sendable & Hashable>: Sendable {
  public var outputs: [WindowOutput<Message>]
  public var closed: [Window]

  public init(outputs: [WindowOutput<Message>], closed: [Window]) {
    self.outputs = outputs
    self.closed = closed
  }
}
