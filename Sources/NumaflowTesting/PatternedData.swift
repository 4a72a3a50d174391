import Foundation

extension Data {
  /// `count` bytes of a repeating 251-byte pattern (a prime, so it never lines up with a
  /// frame or buffer size), built by doubling: a few copies, where a byte-by-byte loop over
  /// 60 MiB holds a cooperative thread for seconds in a debug build and starves every test
  /// running beside it.
  package static func patterned(count: Int) -> Data {
    var data = Data((0..<251).map { UInt8($0) })
    while data.count < count { data.append(data.prefix(count - data.count)) }
    return data.prefix(count)
  }
}
