import NumaflowCore
import NumaflowProtos

/// One output of a reducer for a keyed window. Its event time is the window's end minus 1 ms,
/// set by numa.
///
/// ```swift
/// Message(String(count), keys: keys)          // the window's result for these keys
/// Message.drop()                               // nothing goes on
/// ```
public struct Message: ForwardedMessage, Hashable {
  /// The payload.
  public var value: Data
  /// Keys for partitioning and grouping downstream.
  public var keys: [String]
  /// Tags for conditional forwarding on the pipeline's edges. No tags: forward to all.
  public var tags: [String]

  public init(_ value: Data, keys: [String] = [], tags: [String] = []) {
    self.value = value
    self.keys = keys
    self.tags = tags
  }

  /// A message whose payload is `text` in UTF-8.
  public init(_ text: String, keys: [String] = [], tags: [String] = []) {
    self.init(Data(text.utf8), keys: keys, tags: tags)
  }

  /// No output for this window and keys.
  public static func drop() -> Message {
    Message(Data(), tags: [Tags.drop])
  }

  package var result: Reduce_V1_ReduceResponse.Result {
    var result = Reduce_V1_ReduceResponse.Result()
    result.keys = keys
    result.value = value
    result.tags = tags
    return result
  }

  /// The message a wire result describes (for clients and tests).
  package init(_ result: Reduce_V1_ReduceResponse.Result) {
    self.init(result.value, keys: result.keys, tags: result.tags)
  }
}
