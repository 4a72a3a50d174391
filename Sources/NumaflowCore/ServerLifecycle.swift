import Logging
import NIOCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What every stream of one server shares: the configuration, the first UDF failure, and the
/// shutdown phases (draining after SIGTERM, then a forced stop once the grace period is over).
package final class ServerLifecycle: Sendable {
  package let configuration: ServerConfiguration
  package var logger: Logger { configuration.logger }
  /// The transport's event loops; empty for the in-process transport. Streams pace their
  /// writes on them (``OutboundQueue``).
  package let eventLoops: [any EventLoop]
  /// Where spans and metrics go, fixed when the server started.
  package let telemetry: Telemetry

  private let failureState = Mutex<UDFFailure?>(nil)
  /// Signalled by the first UDF failure.
  package let failed = OneShotEvent()
  /// Signalled when the grace period is over: streams stop reading and end.
  package let forcedStop = OneShotEvent()

  package init(configuration: ServerConfiguration, eventLoops: [any EventLoop] = [], telemetry: Telemetry = .none) {
    self.configuration = configuration
    self.eventLoops = eventLoops
    self.telemetry = telemetry
  }

  /// The first UDF failure, if any.
  package var failure: UDFFailure? { failureState.withLock { $0 } }

  /// Records a UDF failure: the first one is logged, persisted for numa's UI, and starts the
  /// server's shutdown. Later ones are only logged.
  package func recordFailure(_ failure: UDFFailure) {
    let isFirst = failureState.withLock { current -> Bool in
      guard current == nil else { return false }
      current = failure
      return true
    }
    guard isFirst else {
      // Consequences of the first, as a rule (every request in flight when a worker died):
      // hundreds of them would bury it.
      logger.debug("a further UDF failure while shutting down", metadata: ["error": "\(failure.message)"])
      return
    }
    logger.critical(
      "UDF failure: the server will shut down and exit non-zero",
      metadata: ["error": "\(failure.message)", "details": "\(failure.details)"]
    )
    failure.persist(configuration: configuration)
    failed.signal()
  }
}
