import NumaflowProtos
import SwiftProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A kind's `ReadyResponse`, so that every service answers `IsReady` the same way: `.ready`.
/// Each kind declares its response's conformance.
package protocol ReadyResponse: SwiftProtobuf.Message {
  var ready: Bool { get set }
}

extension ReadyResponse {
  /// The answer of a server that serves: `ready` is true.
  package static var ready: Self {
    var response = Self()
    response.ready = true
    return response
  }
}

/// The fields every kind's input payload has on the wire, so that one ``Datum`` conversion
/// serves them all. Each kind declares its payload's conformance.
package protocol WirePayload {
  init()
  var keys: [String] { get set }
  var value: Data { get set }
  var eventTime: Google_Protobuf_Timestamp { get set }
  var watermark: Google_Protobuf_Timestamp { get set }
  var hasWatermark: Bool { get }
  var headers: [String: String] { get set }
  var metadata: Metadata_Metadata { get set }
}

/// A kind's request that carries one datum under an id (map, source transform, sink), so that
/// one conversion each way serves them all. Every such request keeps its payload in `request`;
/// where the id lives is the one difference: map keeps it beside the payload (and says so),
/// source transform and sink inside it (``WireIdentifiedPayload``, and nothing to write).
package protocol WireDatumRequest: Sendable {
  associatedtype Payload: WirePayload
  init()
  var request: Payload { get set }
  var datumID: String { get set }
}

/// A payload that carries its request's id itself.
package protocol WireIdentifiedPayload: WirePayload {
  var id: String { get set }
}

extension WireDatumRequest where Payload: WireIdentifiedPayload {
  package var datumID: String {
    get { request.id }
    set { request.id = newValue }
  }
}

extension Datum {
  /// The datum a request carries, with the request's id.
  package init(_ wire: some WireDatumRequest) {
    self.init(id: wire.datumID, wire.request)
  }

  /// The request numa would send for this datum, with `id` (for clients and tests).
  package func request<Request: WireDatumRequest>(id: String, as type: Request.Type = Request.self) -> Request {
    var request = Request()
    request.request = payload()
    request.datumID = id
    return request
  }
}

/// The fields every kind's output result has on the wire, so that one conversion to and from
/// an output message serves them all.
package protocol WireResult {
  init()
  var keys: [String] { get set }
  var value: Data { get set }
  var tags: [String] { get set }
  var metadata: Metadata_Metadata { get set }
  var hasMetadata: Bool { get }
}

/// A wire result that may carry nack options (map and source transform results).
package protocol NackableWireResult: WireResult {
  var nackOptions: NackOptions_NackOptions { get set }
  var hasNackOptions: Bool { get }
}

extension NackableWireResult {
  /// A result with these fields; user metadata only when there is some, nack options only on
  /// a nack.
  package init(value: Data, keys: [String], tags: [String], userMetadata: MessageMetadata, nackOptions: NackOptions?) {
    self.init()
    self.keys = keys
    self.value = value
    self.tags = tags
    if !userMetadata.isEmpty { metadata.userMetadata = userMetadata.protoGroups }
    if let nackOptions { self.nackOptions = nackOptions.proto }
  }

  /// The user metadata the result carries.
  package var userMetadata: MessageMetadata { MessageMetadata(metadata.userMetadata) }

  /// The nack options the result carries, if it is a nack.
  package var nack: NackOptions? { hasNackOptions ? NackOptions(nackOptions) : nil }
}
