import NumaflowCore
import NumaflowProtos

/// What a retriever answers: a value to broadcast, or nothing new.
///
/// ```swift
/// return .broadcast(Data("v2".utf8))
/// return .noBroadcast
/// ```
public enum SideInputValue: Sendable, Hashable {
  /// Store `value` and hand it to every vertex that reads the side input (numa skips the
  /// update when the value did not change). At most ``maximumSize`` bytes.
  case broadcast(Data)
  /// Keep the current value; nothing is stored or sent.
  case noBroadcast

  /// The largest value numa's side-input client accepts: its limit is 4 MiB for the whole
  /// encoded response (tonic's default), of which the field's tag and length take 5 bytes. A
  /// larger value is refused by the server with a UDF failure rather than sent.
  public static let maximumSize = 4 * 1024 * 1024 - 5

  /// The response numa receives.
  package var proto: Sideinput_V1_SideInputResponse {
    var response = Sideinput_V1_SideInputResponse()
    switch self {
    case .broadcast(let value): response.value = value
    case .noBroadcast: response.noBroadcast = true
    }
    return response
  }

  /// The value a response describes (for clients and tests).
  package init(_ proto: Sideinput_V1_SideInputResponse) {
    self = proto.noBroadcast ? .noBroadcast : .broadcast(proto.value)
  }
}
