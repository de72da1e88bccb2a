package serve

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// These tests reach the registry directly: the router never gives it a
// hostile label value, but the writer must stay correct if one comes.

// parse writes r and reads it back with Prometheus's own text parser.
func parse(t *testing.T, r *registry) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	var b bytes.Buffer
	if err := writeText(&b, r.gather()); err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("Prometheus's parser rejects the output: %v\n%s", err, b.String())
	}
	return fams, b.String()
}

// TestHostileLabelValues: quotes, backslashes, line feeds and bytes that
// are not UTF-8 in label values and help text reach Prometheus intact (or,
// for invalid UTF-8, as U+FFFD) and cannot forge a line.
func TestHostileLabelValues(t *testing.T) {
	cases := []struct {
		name, value, want string
	}{
		{"plain", "list_accounts", "list_accounts"},
		{"double quote", `a"b`, `a"b`},
		{"backslash", `a\b`, `a\b`},
		{"backslash before quote", `a\"} 99`, `a\"} 99`},
		{"line feed forging a sample", "x\"} 1\nlumos_serve_calls_rejected_total 1e9\n#", "x\"} 1\nlumos_serve_calls_rejected_total 1e9\n#"},
		{"carriage return and tab", "a\r\tb", "a\r\tb"},
		{"trailing backslash", `abc\`, `abc\`},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"empty", "", ""},
		{"unicode", "日本語 ✓", "日本語 ✓"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			r := &registry{}
			c := newCounterVec("test_calls_total", "Help with \\ a backslash,\na line feed and \"quotes\".", "capability")
			c.WithLabelValues(tc.value).Inc()
			c.WithLabelValues(tc.value).Inc()
			r.register(c, &counterMetric{name: "lumos_serve_calls_rejected_total", help: "Rejected."})
			fams, text := parse(t, r)
			is.Equal(len(fams), 2) // nothing forged
			f := fams["test_calls_total"]
			is.Equal(f.GetHelp(), "Help with \\ a backslash,\na line feed and \"quotes\".")
			is.Equal(len(f.GetMetric()), 1)
			is.Equal(f.GetMetric()[0].GetLabel()[0].GetValue(), tc.want)
			is.Equal(f.GetMetric()[0].GetCounter().GetValue(), 2.0)
			is.Equal(fams["lumos_serve_calls_rejected_total"].GetMetric()[0].GetCounter().GetValue(), 0.0) // not forged
			is.Equal(strings.Count(text, "\n"), 6)                                                         // HELP, TYPE and one sample per family
		})
	}
}

// TestHistogramBuckets: a value on a bound falls in that bound's bucket
// (le is inclusive), buckets are cumulative, +Inf holds everything.
func TestHistogramBuckets(t *testing.T) {
	cases := []struct {
		name     string
		observed []float64
		want     []uint64 // cumulative, for bounds 0.1, 1, 10 and +Inf
		sum      float64
	}{
		{"none", nil, nil, 0},
		{"on a bound", []float64{1}, []uint64{0, 1, 1, 1}, 1},
		{"between bounds", []float64{0.05, 0.5, 5, 50}, []uint64{1, 2, 3, 4}, 55.55},
		{"above every bound", []float64{100, 1000}, []uint64{0, 0, 0, 2}, 1100},
		{"zero and negative", []float64{0, -1}, []uint64{2, 2, 2, 2}, -1},
		{"infinity", []float64{math.Inf(+1)}, []uint64{0, 0, 0, 1}, math.Inf(+1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			r := &registry{}
			h := newHistogramVec("test_seconds", "Test.", []float64{10, 0.1, 1}, "connector", "capability")
			if tc.observed != nil {
				h.WithLabelValues("mock", "x") // made even when nothing is observed
			}
			for _, v := range tc.observed {
				h.WithLabelValues("mock", "x").Observe(v)
			}
			r.register(h)
			fams, text := parse(t, r)
			if tc.observed == nil {
				is.Equal(len(fams), 0) // a family without series is left out
				is.Equal(text, "")
				return
			}
			m := fams["test_seconds"].GetMetric()[0]
			is.Equal(fams["test_seconds"].GetType(), dto.MetricType_HISTOGRAM)
			var got []uint64
			for _, b := range m.GetHistogram().GetBucket() {
				got = append(got, b.GetCumulativeCount())
			}
			is.Equal(got, tc.want)
			is.Equal(m.GetHistogram().GetSampleCount(), uint64(len(tc.observed)))
			is.True(math.Abs(m.GetHistogram().GetSampleSum()-tc.sum) < 1e-9 || m.GetHistogram().GetSampleSum() == tc.sum)
			is.True(strings.Contains(text, `test_seconds_bucket{capability="x",connector="mock",le="0.1"}`)) // labels sorted, le last
			is.True(strings.Contains(text, `test_seconds_bucket{capability="x",connector="mock",le="+Inf"}`))
		})
	}
}

// TestFormatFloat: values are spelt as the exposition format wants.
func TestFormatFloat(t *testing.T) {
	cases := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {1, "1"}, {0.0005, "0.0005"}, {2.5, "2.5"}, {1e21, "1e+21"}, {-3, "-3"},
		{math.Inf(+1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			is.New(t).Equal(formatFloat(tc.in), tc.want)
		})
	}
}

// TestRegistryConcurrency: 64 goroutines count, observe and scrape at once
// (run with -race); the totals are exact and every scrape parses.
func TestRegistryConcurrency(t *testing.T) {
	is := is.New(t)
	m := newMetrics()
	const workers, each = 64, 500
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			connector := []string{"mock", "github", "scim", "okta"}[g%4]
			for n := range each {
				m.inFlight.Inc()
				m.calls.WithLabelValues(connector, "list_accounts", "ok").Inc()
				m.duration.WithLabelValues(connector, "list_accounts").Observe(float64(n) / 1000)
				_, _ = m.upstreamCounter(connector).Write([]byte("GET /\n"))
				m.requests.WithLabelValues("200").Inc()
				m.inFlight.Dec()
				if n%100 == 0 {
					var b bytes.Buffer
					_ = writeText(&b, m.registry.gather())
					p := expfmt.NewTextParser(model.UTF8Validation)
					if _, err := p.TextToMetricFamilies(&b); err != nil {
						t.Errorf("a scrape under load does not parse: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	fams, _ := parse(t, m.registry)
	for _, c := range fams["lumos_serve_calls_total"].GetMetric() {
		is.Equal(c.GetCounter().GetValue(), float64(workers/4*each)) // every increment counted
	}
	for _, h := range fams["lumos_serve_call_duration_seconds"].GetMetric() {
		is.Equal(h.GetHistogram().GetSampleCount(), uint64(workers/4*each))
		b := h.GetHistogram().GetBucket()
		is.Equal(b[len(b)-1].GetCumulativeCount(), uint64(workers/4*each))
	}
	is.Equal(len(fams["lumos_serve_upstream_requests_total"].GetMetric()), 4)
	is.Equal(fams["lumos_serve_http_requests_total"].GetMetric()[0].GetCounter().GetValue(), float64(workers*each))
	is.Equal(fams["lumos_serve_calls_in_flight"].GetMetric()[0].GetGauge().GetValue(), 0.0)
}

// TestWrongLabelCount: a vector used with the wrong number of label values
// is a programming error, reported at once.
func TestWrongLabelCount(t *testing.T) {
	is := is.New(t)
	c := newCounterVec("test_total", "Test.", "a", "b")
	defer func() {
		is.True(recover() != nil) // panicked
	}()
	c.WithLabelValues("only one")
}

// TestRuntimeCollectorWithoutProc: without /proc (not Linux) the process
// families are left out and the rest still parses.
func TestRuntimeCollectorWithoutProc(t *testing.T) {
	is := is.New(t)
	r := &registry{}
	r.register(&runtimeCollector{proc: t.TempDir() + "/missing"})
	fams, _ := parse(t, r)
	_, ok := fams["go_goroutines"]
	is.True(ok) // the runtime's own metrics
	for name := range fams {
		is.True(!strings.HasPrefix(name, "process_")) // nothing guessed
	}
}

// TestRuntimeCollectorFakeProc reads a /proc of known content: a command
// name with spaces and parentheses does not shift the fields.
func TestRuntimeCollectorFakeProc(t *testing.T) {
	is := is.New(t)
	root := t.TempDir()
	write := func(name, content string) {
		is.NoErr(os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755))
		is.NoErr(os.WriteFile(filepath.Join(root, name), []byte(content), 0o644))
	}
	// Fields 3 to 24: state ... utime(14)=250 stime(15)=150 ... starttime(22)=1234 vsize(23)=8192000 rss(24)=300.
	write("self/stat", "42 (lumos) (x y) S 1 42 42 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 8 0 1234 8192000 300 18446744073709551615\n")
	write("stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 9\n")
	write("self/limits", "Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n")
	for _, fd := range []string{"0", "1", "2", "3"} {
		write("self/fd/"+fd, "")
	}
	r := &registry{}
	r.register(&runtimeCollector{proc: root})
	fams, _ := parse(t, r)
	value := func(name string) float64 {
		f, ok := fams[name]
		if !ok {
			t.Fatalf("%s missing", name)
		}
		m := f.GetMetric()[0]
		return m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	is.Equal(value("process_cpu_seconds_total"), 4.0)                               // (250+150) ticks of 1/100 s
	is.Equal(value("process_start_time_seconds"), 1700000000+12.34)                 // boot time plus start ticks
	is.Equal(value("process_virtual_memory_bytes"), 8192000.0)                      // bytes already
	is.Equal(value("process_resident_memory_bytes"), float64(300*os.Getpagesize())) // pages
	is.Equal(value("process_max_fds"), 1024.0)                                      // the soft limit
	is.Equal(value("process_open_fds"), 3.0)                                        // four entries less the one reading them
}
