import ArgumentParser
import Foundation
import NumaflowCore
import NumaflowProtos
import NumaflowSinker

/// Which of a sink vertex's three sinks `run sink` plays numa for.
enum SinkRole: String, CaseIterable, ExpressibleByArgument {
  case primary
  case fallback
  case onSuccess = "on-success"

  /// `NUMAFLOW_UD_CONTAINER_TYPE` as the platform sets it for the role.
  var containerType: String {
    switch self {
    case .primary: "udsink"
    case .fallback: "fb-udsink"
    case .onSuccess: "ons-udsink"
    }
  }

  /// Where numa finds the role's server.
  var endpoint: Endpoint {
    Endpoint.sink(forContainerType: containerType)
  }
}

/// How `run sink` plays numa's sink writer.
struct SinkOptions: ParsableArguments {
  @Option(help: "sink: which sink the server is (sets NUMAFLOW_UD_CONTAINER_TYPE): primary, fallback or on-success.")
  var role: SinkRole = .primary
}

extension OutputRecord {
  /// The line for a sink's response to input `input`: its status, and what the status carries
  /// (a failure's reason, a served payload, an on-success message, nack options).
  init(input: Int, response: NumaflowSinker.Response) {
    self.init(input: input)
    switch response.status {
    case .ok:
      status = "ok"
    case .failure(let reason):
      status = "failure"
      error = reason
    case .fallback:
      status = "fallback"
    case .serve(let payload):
      status = "serve"
      if let payload { setValue(payload) }
    case .onSuccess(let message):
      status = "on_success"
      if let message {
        keys = message.keys
        setValue(message.value)
        setUserMetadata(message.userMetadata)
      }
    case .nack(let options):
      status = "nack"
      let wire = options.proto
      nack = NackLine(
        reason: options.reason, max_deliveries: options.maxDeliveries,
        delay_ms: wire.hasDelay ? Int64(wire.delay) : nil, values: options.values.isEmpty ? nil : options.values)
    }
  }
}
