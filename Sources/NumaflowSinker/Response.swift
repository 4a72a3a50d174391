import NumaflowCore
import NumaflowProtos

/// What became of one datum of a sink's batch, by its id.
///
/// ```swift
/// .ok(datum.id)                                   // written; numa acks it
/// .failure(datum.id, reason: "timeout")           // numa retries it per the sink's retryStrategy
/// .fallback(datum.id)                             // numa sends it to the fallback sink
/// .serve(datum.id, payload: result)               // numa stores `result` for a ServingPipeline's caller
/// .onSuccess(datum.id)                            // numa forwards it to the on-success sink
/// .nack(datum.id, NackOptions(delay: .seconds(30)))  // redelivered later (Numaflow ≥ 1.8.2)
/// ```
public struct Response: Sendable, Hashable {
  /// The `Datum.id` of the datum answered.
  public var id: String
  /// What became of it.
  public var status: Status

  public init(id: String, status: Status) {
    self.id = id
    self.status = status
  }

  /// What became of a datum, and what numa does next.
  public enum Status: Sendable, Hashable {
    /// Written: numa acknowledges it.
    case ok
    /// Not written: numa retries it as the sink's `retryStrategy` says, then applies its
    /// `onFailure` (retry, drop or fallback). `reason` is logged by numa.
    case failure(reason: String)
    /// Numa writes it to the fallback sink. The vertex must configure one; a fallback or
    /// on-success sink must not answer this.
    case fallback
    /// Numa writes it to the serving store for a ServingPipeline's caller: `payload` when
    /// given, else the original value. A fallback or on-success sink must not answer this.
    case serve(payload: Data?)
    /// Written: numa forwards `message`, or the original when `nil`, to the on-success sink,
    /// which the vertex must configure.
    case onSuccess(Message?)
    /// Numa negatively acknowledges it: not written, redelivered as `options` say.
    ///
    /// Needs Numaflow 1.8.2 or later: an older numa does not know this status and takes it for
    /// ``ok``, acknowledging a datum that was not written.
    case nack(NackOptions)
  }

  /// The datum was written.
  public static func ok(_ id: String) -> Response { Response(id: id, status: .ok) }

  /// The datum was not written, for `reason`; numa retries it.
  public static func failure(_ id: String, reason: String) -> Response {
    Response(id: id, status: .failure(reason: reason))
  }

  /// The datum goes to the fallback sink.
  public static func fallback(_ id: String) -> Response { Response(id: id, status: .fallback) }

  /// The datum's result goes to the serving store: `payload`, or the original value when `nil`.
  public static func serve(_ id: String, payload: Data? = nil) -> Response {
    Response(id: id, status: .serve(payload: payload))
  }

  /// The datum was written; `message`, or the original when `nil`, goes to the on-success sink.
  public static func onSuccess(_ id: String, _ message: Message? = nil) -> Response {
    Response(id: id, status: .onSuccess(message))
  }

  /// The datum is refused and redelivered later (Numaflow ≥ 1.8.2; see ``Status/nack(_:)``).
  public static func nack(_ id: String, _ options: NackOptions = NackOptions()) -> Response {
    Response(id: id, status: .nack(options))
  }
}

extension Response {
  /// The result numa receives.
  package var result: Sink_V1_SinkResponse.Result {
    var result = Sink_V1_SinkResponse.Result()
    result.id = id
    switch status {
    case .ok:
      result.status = .success
    case .failure(let reason):
      result.status = .failure
      result.errMsg = reason
    case .fallback:
      result.status = .fallback
    case .serve(let payload):
      result.status = .serve
      if let payload { result.serveResponse = payload }
    case .onSuccess(let message):
      result.status = .onSuccess
      if let message { result.onSuccessMsg = message.proto }
    case .nack(let options):
      result.status = .nack
      result.nackOptions = options.proto
    }
    return result
  }

  /// The response a wire result describes (for clients and tests); `nil` for a status this SDK
  /// does not know.
  package init?(_ result: Sink_V1_SinkResponse.Result) {
    let status: Status
    switch result.status {
    case .success: status = .ok
    case .failure: status = .failure(reason: result.errMsg)
    case .fallback: status = .fallback
    case .serve: status = .serve(payload: result.hasServeResponse ? result.serveResponse : nil)
    case .onSuccess: status = .onSuccess(result.hasOnSuccessMsg ? Message(result.onSuccessMsg) : nil)
    case .nack: status = .nack(result.hasNackOptions ? NackOptions(result.nackOptions) : NackOptions())
    case .UNRECOGNIZED: return nil
    }
    self.init(id: result.id, status: status)
  }
}
