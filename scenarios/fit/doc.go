// Package fit turns telemetry into a scenario: traces (OTLP JSON as the
// OpenTelemetry Collector's file exporter writes it, or Zipkin v2 JSON)
// and Prometheus query_range answers in; a commented scenario file, its
// [[expect]] claims and a fit report out.
//
// From traces it derives the service graph (services, call edges, calls
// per request, the fraction of requests that take each edge), each
// operation's own time (its server span minus the time in its calls and
// its queue.wait span) fitted to a distribution family, the arrival rate
// over time, and the timeouts and retries the client spans show; worker
// counts are estimated from the concurrency in the windows where requests
// waited for a worker, and otherwise marked as assumptions. From metrics
// it derives rate curves and latency histograms.
//
// Input is streamed: a trace is held until Traces.Wait of span time has
// passed after its last span, then folded into aggregates that grow with
// services, operations and edges, not with spans. Bad input is a located
// InputError or a named, counted warning (Warnings), never a panic.
//
// See docs/CALIBRATION.md.
package fit
