package serve

import (
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// made when the server is built (the library's default registry is left
// alone: nothing is collected in a process that serves nothing).
type metrics struct {
	registry *prometheus.Registry
	handler  http.Handler
	requests *prometheus.CounterVec   // HTTP requests by status
	calls    *prometheus.CounterVec   // capability calls by connector, capability and outcome
	duration *prometheus.HistogramVec // capability call latency
	inFlight prometheus.Gauge         // capability calls running
	rejected prometheus.Counter       // calls refused with 503
	upstream *prometheus.CounterVec   // upstream HTTP requests by connector
}

func newMetrics() *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lumos_serve_http_requests_total", Help: "HTTP requests answered, by status code.",
	}, []string{"code"})
	m.calls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lumos_serve_calls_total",
		Help: "Capability calls answered, by connector, capability and outcome (ok or the envelope's error_code).",
	}, []string{"connector", "capability", "outcome"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "lumos_serve_call_duration_seconds",
		Help:    "Time to answer a capability call, by connector and capability.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"connector", "capability"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "lumos_serve_calls_in_flight", Help: "Capability calls running now.",
	})
	m.rejected = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "lumos_serve_calls_rejected_total", Help: "Capability calls refused with 503 because the concurrency limit was reached.",
	})
	m.upstream = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lumos_serve_upstream_requests_total", Help: "HTTP requests the connectors sent upstream (retries included), by connector.",
	}, []string{"connector"})
	m.registry.MustRegister(m.requests, m.calls, m.duration, m.inFlight, m.rejected, m.upstream,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	return m
}

// upstreamCounter is the trace writer of a call: the connector's HTTP
// client writes one line per upstream request, counted and discarded.
func (m *metrics) upstreamCounter(appID string) io.Writer {
	return lineCounter{m.upstream.WithLabelValues(appID)}
}

type lineCounter struct{ c prometheus.Counter }

func (l lineCounter) Write(p []byte) (int, error) {
	l.c.Inc()
	return len(p), nil
}
