package serve_test

import (
	"math"
	"net/http"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

// scrape reads /metrics and parses it with Prometheus's own text parser.
func scrape(t *testing.T, url string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	got := do(t, http.MethodGet, url+"/metrics", "")
	if got.status != http.StatusOK {
		t.Fatalf("/metrics: status %d: %s", got.status, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("/metrics: Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(got.body))
	if err != nil {
		t.Fatalf("Prometheus's parser rejects /metrics: %v\n%s", err, got.body)
	}
	return fams, got.body
}

// labels is a metric's labels as a map.
func labels(m *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range m.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}

// find is the metric of the family with exactly these labels, or nil.
func find(f *dto.MetricFamily, want map[string]string) *dto.Metric {
	for _, m := range f.GetMetric() {
		l := labels(m)
		if len(l) != len(want) {
			continue
		}
		same := true
		for k, v := range want {
			same = same && l[k] == v
		}
		if same {
			return m
		}
	}
	return nil
}

// TestMetricFamilies: every metric the server had with Prometheus's client
// is still there with its name, type, help text and label names, as
// Prometheus's own parser reads them.
func TestMetricFamilies(t *testing.T) {
	f := slowGitHub(t, 0)
	url, _ := newServer(t, serve.Config{})
	do(t, http.MethodPost, url+"/connectors/mock/validate_credentials", `{`+mockAuth+`,"request":{}}`)
	do(t, http.MethodPost, url+"/connectors/github/list_accounts", githubBody(f, ""))
	fams, _ := scrape(t, url)
	cases := []struct {
		name   string
		kind   dto.MetricType
		help   string
		labels []string
	}{
		{"lumos_serve_http_requests_total", dto.MetricType_COUNTER, "HTTP requests answered, by status code.", []string{"code"}},
		{"lumos_serve_calls_total", dto.MetricType_COUNTER,
			"Capability calls answered, by connector, capability and outcome (ok or the envelope's error_code).",
			[]string{"capability", "connector", "outcome"}},
		{"lumos_serve_call_duration_seconds", dto.MetricType_HISTOGRAM,
			"Time to answer a capability call, by connector and capability.", []string{"capability", "connector"}},
		{"lumos_serve_calls_in_flight", dto.MetricType_GAUGE, "Capability calls running now.", nil},
		{"lumos_serve_calls_rejected_total", dto.MetricType_COUNTER,
			"Capability calls refused with 503 because the concurrency limit was reached.", nil},
		{"lumos_serve_upstream_requests_total", dto.MetricType_COUNTER,
			"HTTP requests the connectors sent upstream (retries included), by connector.", []string{"connector"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f, ok := fams[tc.name]
			is.True(ok) // the family is exposed
			is.Equal(f.GetType(), tc.kind)
			is.Equal(f.GetHelp(), tc.help)
			for _, m := range f.GetMetric() {
				var names []string
				for _, p := range m.GetLabel() {
					names = append(names, p.GetName())
				}
				is.Equal(names, tc.labels) // label names, sorted
			}
		})
	}
}

// TestMetricsAfterTraffic: after known calls the counters, the histogram
// and the gauge hold exactly what was sent, read by Prometheus's parser.
func TestMetricsAfterTraffic(t *testing.T) {
	is := is.New(t)
	f := slowGitHub(t, 0)
	url, _ := newServer(t, serve.Config{})
	for range 3 {
		do(t, http.MethodPost, url+"/connectors/mock/validate_credentials", `{`+mockAuth+`,"request":{}}`)
	}
	do(t, http.MethodPost, url+"/connectors/mock/validate_credentials", `{"request":{}}`)
	do(t, http.MethodPost, url+"/connectors/mock/no_such_capability", `{}`)
	do(t, http.MethodGet, url+"/connectors/nope/info", "")
	got := do(t, http.MethodPost, url+"/connectors/github/list_accounts", githubBody(f, ""))
	is.True(strings.HasPrefix(got.body, `{"response":[`)) // the GitHub call succeeded
	fams, text := scrape(t, url)

	counters := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"lumos_serve_calls_total", map[string]string{"connector": "mock", "capability": "validate_credentials", "outcome": "ok"}, 3},
		{"lumos_serve_calls_total", map[string]string{"connector": "mock", "capability": "validate_credentials", "outcome": "bad_request"}, 1},
		{"lumos_serve_calls_total", map[string]string{"connector": "mock", "capability": "unknown", "outcome": "not_implemented"}, 1},
		{"lumos_serve_calls_total", map[string]string{"connector": "github", "capability": "list_accounts", "outcome": "ok"}, 1},
		{"lumos_serve_http_requests_total", map[string]string{"code": "200"}, 6},
		{"lumos_serve_http_requests_total", map[string]string{"code": "404"}, 1},
	}
	for _, c := range counters {
		m := find(fams[c.family], c.labels)
		if m == nil {
			t.Fatalf("%s%v missing:\n%s", c.family, c.labels, text)
		}
		is.Equal(m.GetCounter().GetValue(), c.want) // the count of known traffic
	}
	is.Equal(len(fams["lumos_serve_calls_total"].GetMetric()), 4) // no series for the typo
	up := find(fams["lumos_serve_upstream_requests_total"], map[string]string{"connector": "github"})
	is.True(up != nil && up.GetCounter().GetValue() >= 1) // the GitHub call's upstream requests
	is.Equal(fams["lumos_serve_calls_in_flight"].GetMetric()[0].GetGauge().GetValue(), 0.0)
	is.Equal(fams["lumos_serve_calls_rejected_total"].GetMetric()[0].GetCounter().GetValue(), 0.0)

	h := find(fams["lumos_serve_call_duration_seconds"], map[string]string{"connector": "mock", "capability": "validate_credentials"}).GetHistogram()
	is.Equal(h.GetSampleCount(), uint64(4))
	is.True(h.GetSampleSum() > 0)
	buckets := h.GetBucket()
	is.Equal(len(buckets), 17) // 16 bounds and +Inf
	bounds := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, math.Inf(+1)}
	for i, b := range buckets {
		is.Equal(b.GetUpperBound(), bounds[i]) // the buckets of before
		if i > 0 {
			is.True(b.GetCumulativeCount() >= buckets[i-1].GetCumulativeCount()) // cumulative
		}
	}
	is.Equal(buckets[16].GetCumulativeCount(), uint64(4)) // +Inf holds every call
}

// TestMetricsRejected counts a 503 of the concurrency limit.
func TestMetricsRejected(t *testing.T) {
	is := is.New(t)
	release, started := make(chan struct{}), make(chan struct{}, 1)
	url, _ := newServer(t, serve.Config{Connectors: []*toolkit.Integration{blocking(release, started)}, MaxInFlight: 1})
	first := make(chan reply, 1)
	go func() { first <- do(t, http.MethodPost, url+"/connectors/blocker/validate_credentials", blockerBody) }()
	<-started
	fams, _ := scrape(t, url)
	is.Equal(fams["lumos_serve_calls_in_flight"].GetMetric()[0].GetGauge().GetValue(), 1.0) // the blocked call
	busy := do(t, http.MethodPost, url+"/connectors/blocker/validate_credentials", blockerBody)
	is.Equal(busy.status, http.StatusServiceUnavailable)
	close(release)
	is.Equal((<-first).status, http.StatusOK)
	fams, _ = scrape(t, url)
	is.Equal(fams["lumos_serve_calls_rejected_total"].GetMetric()[0].GetCounter().GetValue(), 1.0)
	is.Equal(fams["lumos_serve_calls_in_flight"].GetMetric()[0].GetGauge().GetValue(), 0.0)
	is.Equal(find(fams["lumos_serve_http_requests_total"], map[string]string{"code": "503"}).GetCounter().GetValue(), 1.0)
}

// TestRuntimeMetrics: the Go runtime and process metrics carry the names
// and types of Prometheus's Go client, with plausible values.
func TestRuntimeMetrics(t *testing.T) {
	url, _ := newServer(t, serve.Config{})
	fams, _ := scrape(t, url)
	now := float64(time.Now().Unix())
	cases := []struct {
		name string
		kind dto.MetricType
		ok   func(v float64) bool
	}{
		{"go_goroutines", dto.MetricType_GAUGE, func(v float64) bool { return v >= 1 }},
		{"go_threads", dto.MetricType_GAUGE, func(v float64) bool { return v >= 1 }},
		{"go_sched_gomaxprocs_threads", dto.MetricType_GAUGE, func(v float64) bool { return v == float64(runtime.GOMAXPROCS(0)) }},
		{"go_memstats_heap_alloc_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 0 }},
		{"go_memstats_alloc_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 0 }},
		{"go_memstats_alloc_bytes_total", dto.MetricType_COUNTER, func(v float64) bool { return v > 0 }},
		{"go_memstats_sys_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 0 }},
		{"go_memstats_heap_objects", dto.MetricType_GAUGE, func(v float64) bool { return v > 0 }},
		{"go_memstats_mallocs_total", dto.MetricType_COUNTER, func(v float64) bool { return v > 0 }},
		{"go_memstats_next_gc_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 0 }},
		{"process_resident_memory_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 1<<20 }},
		{"process_virtual_memory_bytes", dto.MetricType_GAUGE, func(v float64) bool { return v > 1<<20 }},
		{"process_cpu_seconds_total", dto.MetricType_COUNTER, func(v float64) bool { return v >= 0 }},
		{"process_start_time_seconds", dto.MetricType_GAUGE, func(v float64) bool { return v > now-24*3600 && v <= now+1 }},
		{"process_open_fds", dto.MetricType_GAUGE, func(v float64) bool { return v >= 3 }},
		{"process_max_fds", dto.MetricType_GAUGE, func(v float64) bool { return v >= 3 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := fams[tc.name]
			if !ok {
				t.Fatalf("/metrics lacks %s", tc.name)
			}
			if f.GetType() != tc.kind || len(f.GetMetric()) != 1 || f.GetHelp() == "" {
				t.Fatalf("%s: type %v, %d metrics, help %q", tc.name, f.GetType(), len(f.GetMetric()), f.GetHelp())
			}
			m := f.GetMetric()[0]
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			if !tc.ok(v) {
				t.Errorf("%s = %v, implausible", tc.name, v)
			}
		})
	}
	t.Run("go_info", func(t *testing.T) {
		is := is.New(t)
		m := fams["go_info"].GetMetric()
		is.Equal(len(m), 1)
		is.Equal(labels(m[0])["version"], runtime.Version())
		is.Equal(m[0].GetGauge().GetValue(), 1.0)
	})
}

// TestMetricsOrder: families come sorted by name and series by label
// values, so two scrapes of an idle server list the same lines in the same
// order.
func TestMetricsOrder(t *testing.T) {
	is := is.New(t)
	url, _ := newServer(t, serve.Config{})
	for _, c := range []string{"list_accounts", "validate_credentials", "app_info", "list_entitlements"} {
		do(t, http.MethodPost, url+"/connectors/mock/"+c, `{`+mockAuth+`,"request":{}}`)
	}
	_, first := scrape(t, url)
	_, second := scrape(t, url)
	var names []string
	for line := range strings.Lines(first) {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			names = append(names, strings.Fields(rest)[0])
		}
	}
	is.True(slices.IsSorted(names)) // families sorted by name
	lumos := func(text string) []string {
		var out []string
		for line := range strings.Lines(text) {
			if strings.HasPrefix(line, "lumos_serve_") && !strings.HasPrefix(line, "lumos_serve_http_requests_total") {
				out = append(out, line)
			}
		}
		return out
	}
	is.Equal(lumos(first), lumos(second)) // the same lines, in the same order
	var calls []string
	for _, line := range lumos(first) {
		if strings.HasPrefix(line, "lumos_serve_calls_total{") {
			calls = append(calls, line)
		}
	}
	is.Equal(len(calls), 4)
	is.True(slices.IsSorted(calls)) // series sorted by label values
}

// TestMetricsUnderConcurrentLoad: 64 clients call and scrape at once (run
// with -race); every call is counted exactly once and every scrape parses.
func TestMetricsUnderConcurrentLoad(t *testing.T) {
	is := is.New(t)
	url, _ := newServer(t, serve.Config{})
	client := keepAliveClient(64)
	const clients, each = 64, 8
	paths := []string{"/connectors/mock/validate_credentials", "/connectors/mock/list_accounts", "/connectors/mock/typo"}
	body := `{` + mockAuth + `,"request":{},"page":{"size":2}}`
	var wg sync.WaitGroup
	for g := range clients {
		wg.Go(func() {
			for n := range each {
				if (g+n)%4 == 0 {
					resp, err := client.Get(url + "/metrics")
					if err != nil {
						t.Errorf("scrape: %v", err)
						continue
					}
					p := expfmt.NewTextParser(model.UTF8Validation)
					if _, err := p.TextToMetricFamilies(resp.Body); err != nil {
						t.Errorf("a scrape under load does not parse: %v", err)
					}
					resp.Body.Close()
					continue
				}
				if status, _, err := post(client, url+paths[(g+n)%len(paths)], body); err != nil || status != 200 {
					t.Errorf("call: status %d, %v", status, err)
				}
			}
		})
	}
	wg.Wait()
	want := map[string]float64{}
	var total float64
	for g := range clients {
		for n := range each {
			if (g+n)%4 != 0 {
				want[paths[(g+n)%len(paths)]]++
				total++
			}
		}
	}
	fams, _ := scrape(t, url)
	calls := fams["lumos_serve_calls_total"]
	is.Equal(find(calls, map[string]string{"connector": "mock", "capability": "validate_credentials", "outcome": "ok"}).GetCounter().GetValue(),
		want["/connectors/mock/validate_credentials"])
	is.Equal(find(calls, map[string]string{"connector": "mock", "capability": "list_accounts", "outcome": "ok"}).GetCounter().GetValue(),
		want["/connectors/mock/list_accounts"])
	is.Equal(find(calls, map[string]string{"connector": "mock", "capability": "unknown", "outcome": "not_implemented"}).GetCounter().GetValue(),
		want["/connectors/mock/typo"])
	var observed uint64
	for _, m := range fams["lumos_serve_call_duration_seconds"].GetMetric() {
		observed += m.GetHistogram().GetSampleCount()
	}
	is.Equal(float64(observed), total) // every call timed once
	is.Equal(fams["lumos_serve_calls_in_flight"].GetMetric()[0].GetGauge().GetValue(), 0.0)
}

// TestBinaryLinksNoPrometheus: the lumos binary links neither Prometheus's
// Go libraries nor protobuf. Their package initialisers would run on every
// CLI call (about 1.9 million instructions), and the server writes its
// metrics itself so that no CLI call pays for them.
func TestBinaryLinksNoPrometheus(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/lumosgo/lumos").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	var bad []string
	for line := range strings.Lines(string(out)) {
		pkg := strings.TrimSpace(line)
		if strings.HasPrefix(pkg, "github.com/prometheus/") || strings.HasPrefix(pkg, "google.golang.org/protobuf") ||
			strings.HasPrefix(pkg, "github.com/golang/protobuf") || strings.HasPrefix(pkg, "github.com/gogo/protobuf") {
			bad = append(bad, pkg)
		}
	}
	if len(bad) > 0 {
		t.Fatalf("the lumos binary links %s: their package initialisers cost every CLI call start-up time; "+
			"keep Prometheus's libraries to tests (internal/serve writes /metrics itself)", strings.Join(bad, ", "))
	}
}

// TestMetricsOfServeProcess scrapes a `lumos serve` process: the process
// metrics describe that process (started just now, with its own
// descriptors and memory), and its output parses.
func TestMetricsOfServeProcess(t *testing.T) {
	is := is.New(t)
	before := float64(time.Now().Add(-2 * time.Second).Unix())
	r := startReplica(t, "serve", "--listen", "127.0.0.1:0")
	after := float64(time.Now().Add(2 * time.Second).Unix())
	got := do(t, http.MethodPost, "http://"+r.addr+"/connectors/mock/validate_credentials", `{`+mockAuth+`,"request":{}}`)
	is.Equal(got.status, http.StatusOK)
	fams, text := scrape(t, "http://"+r.addr)
	value := func(name string) float64 {
		f, ok := fams[name]
		if !ok {
			t.Fatalf("%s missing:\n%s", name, text)
		}
		m := f.GetMetric()[0]
		return m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	start := value("process_start_time_seconds")
	if start < before || start > after {
		t.Errorf("process_start_time_seconds %v, not between %v and %v: not the server's own start", start, before, after)
	}
	is.True(value("process_resident_memory_bytes") > 1<<20) // megabytes, not pages
	is.True(value("process_open_fds") >= 4)                 // standard streams and the listener
	is.True(value("go_goroutines") >= 2)
	ok := find(fams["lumos_serve_calls_total"], map[string]string{"connector": "mock", "capability": "validate_credentials", "outcome": "ok"})
	is.True(ok != nil)
	is.Equal(ok.GetCounter().GetValue(), 1.0)
	is.NoErr(r.stop(t))
}
