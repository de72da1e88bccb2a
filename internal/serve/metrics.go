package serve

import (
	"io"
	"net/http"
)

// metrics are the server's metrics, in a registry made when the server is
// built: nothing is allocated or collected in a process that serves nothing,
// and no package initialiser of a metrics library runs on a CLI call. The
// registry and its text writer are in metrics_registry.go, the Go runtime
// and process metrics in metrics_runtime.go.
type metrics struct {
	registry *registry
	handler  http.Handler
	requests *counterVec   // HTTP requests by status
	calls    *counterVec   // capability calls by connector, capability and outcome
	duration *histogramVec // capability call latency
	inFlight *gaugeMetric  // capability calls running
	rejected *counterMetric
	upstream *counterVec // upstream HTTP requests by connector
}

// callDurationBuckets are the upper bounds of the call latency histogram,
// in seconds.
var callDurationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

func newMetrics() *metrics {
	m := &metrics{registry: &registry{}}
	m.requests = newCounterVec("lumos_serve_http_requests_total", "HTTP requests answered, by status code.", "code")
	m.calls = newCounterVec("lumos_serve_calls_total",
		"Capability calls answered, by connector, capability and outcome (ok or the envelope's error_code).",
		"connector", "capability", "outcome")
	m.duration = newHistogramVec("lumos_serve_call_duration_seconds",
		"Time to answer a capability call, by connector and capability.",
		callDurationBuckets, "connector", "capability")
	m.inFlight = &gaugeMetric{name: "lumos_serve_calls_in_flight", help: "Capability calls running now."}
	m.rejected = &counterMetric{name: "lumos_serve_calls_rejected_total",
		help: "Capability calls refused with 503 because the concurrency limit was reached."}
	m.upstream = newCounterVec("lumos_serve_upstream_requests_total",
		"HTTP requests the connectors sent upstream (retries included), by connector.", "connector")
	m.registry.register(m.requests, m.calls, m.duration, m.inFlight, m.rejected, m.upstream,
		&runtimeCollector{proc: "/proc"})
	m.handler = m.registry
	return m
}

// upstreamCounter is the trace writer of a call: the connector's HTTP
// client writes one line per upstream request, counted and discarded.
func (m *metrics) upstreamCounter(appID string) io.Writer {
	return lineCounter{m.upstream.WithLabelValues(appID)}
}

type lineCounter struct{ c *counter }

func (l lineCounter) Write(p []byte) (int, error) {
	l.c.Inc()
	return len(p), nil
}
