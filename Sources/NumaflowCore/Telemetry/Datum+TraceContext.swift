#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Datum {
  /// This datum as numa sends it inside a trace: with the W3C `traceparent` (and `tracestate`)
  /// of numa's span in the system metadata's `tracing_udf` group. For tests: the handler's span
  /// continues that trace.
  ///
  /// ```swift
  /// let datum = Datum(value: Data("a".utf8))
  ///   .tracedBy(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
  /// ```
  public func tracedBy(traceparent: String, tracestate: String? = nil) -> Datum {
    var metadata = systemMetadata
    metadata[udfTraceGroup, "traceparent"] = Data(traceparent.utf8)
    if let tracestate { metadata[udfTraceGroup, "tracestate"] = Data(tracestate.utf8) }
    return Datum(
      id: id, keys: keys, value: value, eventTime: eventTime, watermark: watermark, headers: headers,
      userMetadata: userMetadata, systemMetadata: metadata)
  }
}
