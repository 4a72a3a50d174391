// A map UDF an operator can see inside: its spans continue numa's trace and go to an OTLP
// collector (swift-otel, configured by the standard OTEL_* variables), its metrics are served
// on :9090/metrics for Prometheus (swift-prometheus, Hummingbird), and every log line written
// in a handler carries the trace and span ids.
import Hummingbird
import Logging
import Metrics
import NumaflowMapper
import OTel
import Prometheus
import Tracing

// Spans: OTLP over gRPC. Metrics go to Prometheus below and logs to stderr, so swift-otel
// bootstraps the tracer alone; OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME and the other
// standard variables override this.
var otel = OTel.Configuration.default
otel.serviceName = "map-observed"
otel.traces.otlpExporter.protocol = .grpc
otel.metrics.enabled = false
otel.logs.enabled = false
let exporter = try OTel.bootstrap(configuration: otel)

LoggingSystem.bootstrap(StreamLogHandler.standardError, metadataProvider: .traceContext)
let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

// /metrics, once per pod: in multiprocess mode the worker processes run this main too, and
// their calls are counted in the server process anyway.
let router = Router()
router.get("metrics") { _, _ in registry.emitToString() }
let metricsEndpoint = Application(
  router: router, configuration: .init(address: .hostname("0.0.0.0", port: 9090)),
  logger: Logger(label: "metrics-endpoint"))

let logger = Logger(label: "map-observed")
let server = MapServer(mode: try .commandLine()) { keys, datum in
  // The handler runs in the SDK's span for this call; this span nests under it, and the log
  // line carries both ids.
  try await withSpan("classify") { span in
    let text = String(decoding: datum.value, as: UTF8.self)
    let isNumber = Int(text) != nil
    span.attributes["classify.is_number"] = isNumber
    logger.info("classified", metadata: ["is_number": "\(isNumber)"])
    return [Message(datum.value, keys: keys, tags: [isNumber ? "number" : "text"])]
  }
}
await server.runService(alongside: server.isWorkerProcess ? [exporter] : [exporter, metricsEndpoint])
