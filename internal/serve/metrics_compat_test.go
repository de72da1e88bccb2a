package serve

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// TestSameTextAsPrometheusClient: for the same observations, the server's
// metrics are byte for byte what Prometheus's Go client (which the server
// used before) writes for the same metrics: names, help, types, label
// order, series order, bucket bounds and number spelling all agree.
//
// The client stays a test-only dependency for this comparison; the binary
// does not link it (TestBinaryLinksNoPrometheus).
func TestSameTextAsPrometheusClient(t *testing.T) {
	type call struct {
		connector, capability, outcome string
		seconds                        float64
	}
	cases := []struct {
		name     string
		calls    []call
		codes    []string
		upstream []string
		inFlight int
		rejected int
	}{
		{name: "nothing yet"},
		{name: "one call", calls: []call{{"mock", "validate_credentials", "ok", 0.0007}}, codes: []string{"200"}},
		{
			name: "mixed traffic",
			calls: []call{
				{"mock", "validate_credentials", "ok", 0.0005},   // on a bound: that bound's bucket
				{"mock", "validate_credentials", "ok", 0.0004},   // below the first bound
				{"github", "list_accounts", "ok", 0.3},           //
				{"github", "list_accounts", "rate_limited", 61},  // above every bound
				{"scim", "list_accounts", "bad_request", 2.5},    // on a bound again
				{"mock", "unknown", "not_implemented", 1e-6},     //
				{"okta", "list_entitlements", "ok", 0.123456789}, // many digits
			},
			codes:    []string{"200", "200", "404", "503", "200", "401"},
			upstream: []string{"github", "github", "scim", "okta"},
			inFlight: 3,
			rejected: 2,
		},
		{
			name:  "awkward label values",
			calls: []call{{`co"nn\ector`, "cap\nability", "o\\k", 1}},
			codes: []string{"200"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			ours := newMetrics()
			theirs := prometheus.NewRegistry()
			requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: ours.requests.name, Help: ours.requests.help}, []string{"code"})
			calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: ours.calls.name, Help: ours.calls.help},
				[]string{"connector", "capability", "outcome"})
			duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: ours.duration.name, Help: ours.duration.help,
				Buckets: callDurationBuckets}, []string{"connector", "capability"})
			inFlight := prometheus.NewGauge(prometheus.GaugeOpts{Name: ours.inFlight.name, Help: ours.inFlight.help})
			rejected := prometheus.NewCounter(prometheus.CounterOpts{Name: ours.rejected.name, Help: ours.rejected.help})
			upstream := prometheus.NewCounterVec(prometheus.CounterOpts{Name: ours.upstream.name, Help: ours.upstream.help}, []string{"connector"})
			theirs.MustRegister(requests, calls, duration, inFlight, rejected, upstream)

			for _, c := range tc.calls {
				ours.calls.WithLabelValues(c.connector, c.capability, c.outcome).Inc()
				calls.WithLabelValues(c.connector, c.capability, c.outcome).Inc()
				ours.duration.WithLabelValues(c.connector, c.capability).Observe(c.seconds)
				duration.WithLabelValues(c.connector, c.capability).Observe(c.seconds)
			}
			for _, code := range tc.codes {
				ours.requests.WithLabelValues(code).Inc()
				requests.WithLabelValues(code).Inc()
			}
			for _, connector := range tc.upstream {
				_, _ = ours.upstreamCounter(connector).Write([]byte("GET https://example.invalid/\n"))
				upstream.WithLabelValues(connector).Inc()
			}
			for range tc.inFlight {
				ours.inFlight.Inc()
				inFlight.Inc()
			}
			ours.inFlight.Dec()
			inFlight.Dec()
			for range tc.rejected {
				ours.rejected.Inc()
				rejected.Inc()
			}

			fams, err := theirs.Gather()
			is.NoErr(err)
			var want bytes.Buffer
			for _, f := range fams {
				_, err := expfmt.MetricFamilyToText(&want, f)
				is.NoErr(err)
			}
			var got bytes.Buffer
			is.NoErr(writeText(&got, ours.registry.gather()))
			if got := lumosOnly(got.String()); got != want.String() {
				t.Fatalf("lumos writes\n%s\nPrometheus's client writes\n%s", got, want.String())
			}
		})
	}
}

// lumosOnly keeps the lines of the lumos_serve_ families (the runtime and
// process ones change between two reads).
func lumosOnly(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		name := line
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			name = rest
		} else if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name = rest
		}
		if strings.HasPrefix(name, "lumos_serve_") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestNaNObservation: NaN lands in +Inf and makes the sum NaN, as with
// Prometheus's client, and the output still parses.
func TestNaNObservation(t *testing.T) {
	is := is.New(t)
	r := &registry{}
	h := newHistogramVec("test_seconds", "Test.", []float64{1}, "x")
	h.WithLabelValues("a").Observe(math.NaN())
	r.register(h)
	fams, _ := parse(t, r)
	m := fams["test_seconds"].GetMetric()[0].GetHistogram()
	is.True(math.IsNaN(m.GetSampleSum()))
	is.Equal(m.GetBucket()[0].GetCumulativeCount(), uint64(0))
	is.Equal(m.GetBucket()[1].GetCumulativeCount(), uint64(1))
}
