import NumaflowProtos

/// What telemetry needs to know of one kind's handler calls: the datums a call carries and
/// how many outputs its response holds. Kinds declare it once, next to their handler.
package struct CallDescription<Request: Sendable, Response: Sendable>: Sendable {
  /// The datums a request carries, in order (for spans).
  package let datums: @Sendable (Request) -> [CallDatum]
  /// How many datums a request carries (for metrics, without building ``datums``).
  package let count: @Sendable (Request) -> Int
  /// Whether a call takes several datums at once (batch map, sink): its size is recorded, and
  /// its span links to its datums' traces instead of continuing one of them.
  package let isBatch: Bool
  /// The number of messages a response holds.
  package let outputs: @Sendable (Response) -> Int

  package init(
    isBatch: Bool = false, datums: @escaping @Sendable (Request) -> [CallDatum],
    count: (@Sendable (Request) -> Int)? = nil, outputs: @escaping @Sendable (Response) -> Int
  ) {
    self.datums = datums
    self.count = count ?? { datums($0).count }
    self.isBatch = isBatch
    self.outputs = outputs
  }
}

/// One datum of a call, as its span sees it.
package struct CallDatum: Sendable {
  package let id: String
  package let keyCount: Int
  /// Its wire metadata, where numa keeps the trace context of the call (``udfTraceGroup``).
  package let metadata: Metadata_Metadata

  package init(id: String, keyCount: Int, metadata: Metadata_Metadata) {
    self.id = id
    self.keyCount = keyCount
    self.metadata = metadata
  }

  package init(_ request: some WireDatumRequest) {
    self.init(id: request.datumID, keyCount: request.request.keys.count, metadata: request.request.metadata)
  }
}

extension CallDescription where Request: WireDatumRequest {
  /// A call of one datum (map, source transform).
  package static func datum(outputs: @escaping @Sendable (Response) -> Int) -> Self {
    CallDescription(datums: { [CallDatum($0)] }, count: { _ in 1 }, outputs: outputs)
  }
}

extension CallDescription {
  /// A call of a batch of datums (batch map, sink).
  package static func batch<Element: WireDatumRequest>(outputs: @escaping @Sendable (Response) -> Int) -> Self
  where Request == [Element] {
    CallDescription(isBatch: true, datums: { $0.map(CallDatum.init) }, count: { $0.count }, outputs: outputs)
  }
}
