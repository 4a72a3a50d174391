import NumaflowCore

/// How a side input's bytes become the value a consumer reads: ``data``, ``utf8`` and `json(_:)`
/// are built in; make your own with ``init(decode:)``.
///
/// ```swift
/// let limits = SideInputs.watch("limits", codec: .json(Limits.self))
/// let level = SideInputs.watch("log-level", codec: SideInputCodec { LogLevel(rawValue: String(decoding: $0, as: UTF8.self)) ?? .info })
/// ```
public struct SideInputCodec<Value>: Sendable {
  /// Turns a whole value's bytes into a `Value`; an error it throws is reported as
  /// ``SideInputError/Code/undecodable``.
  public let decode: @Sendable (Data) throws -> Value

  public init(decode: @escaping @Sendable (Data) throws -> Value) {
    self.decode = decode
  }
}

extension SideInputCodec where Value == Data {
  /// The bytes as they are.
  public static var data: Self { Self { $0 } }
}

extension SideInputCodec where Value == String {
  /// The bytes as UTF-8 text, every one of them (a leading byte-order mark stays, as U+FEFF);
  /// bytes that are not UTF-8 are an error.
  public static var utf8: Self {
    Self { data in
      guard let text = String(validating: data, as: UTF8.self) else { throw NotUTF8() }
      return text
    }
  }
}

extension SideInputCodec where Value: Decodable & Sendable {
  /// The bytes as JSON, decoded with `decoder`.
  public static func json(_ type: Value.Type = Value.self, decoder: JSONDecoder = JSONDecoder()) -> Self {
    let decoder = UncheckedDecoder(decoder: decoder)
    return Self { try decoder.decoder.decode(Value.self, from: $0) }
  }
}

/// `JSONDecoder` is not `Sendable` where Foundation predates it; this one is only ever read.
private struct UncheckedDecoder: @unchecked Sendable {
  let decoder: JSONDecoder
}

private struct NotUTF8: Error, CustomStringConvertible {
  var description: String { "the value is not UTF-8 text" }
}
