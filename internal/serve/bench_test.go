package serve_test

// Benchmarks of `lumos serve`, each against a baseline measured in the same
// run (see docs/serve.md for figures):
//
//	go test ./internal/serve -run '^$' -bench . -benchtime 1x
//
// BenchmarkThroughput: 64 keep-alive clients against the server and against
// a bare net/http handler answering the same bytes; ratio is the server's
// throughput over the bare handler's. BenchmarkPerCallVsCLI: one call over
// HTTP against one CLI process per call; ratio is the CLI's cost over the
// server's (50 calls of each per round). BenchmarkMemory: the resident memory of a `lumos serve` process
// idle and after 100,000 and 200,000 requests.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

var benchCalls = []struct{ name, capability, body string }{
	{"validate_credentials", "validate_credentials", `{` + mockAuth + `,"request":{}}`},
	{"list_accounts_100", "list_accounts", `{` + mockAuth + `,"request":{},"page":{"size":100}}`},
}

// serveInProcess serves h on a loopback port until the benchmark ends.
func serveInProcess(b *testing.B, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// lumosInProcess runs serve.Server.Serve for every connector.
func lumosInProcess(b *testing.B) string {
	srv, err := serve.New(serve.Config{Connectors: toolkit.Integrations(), MaxInFlight: 4096})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	b.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

// load sends n requests from clients goroutines over keep-alive
// connections and returns the wall time and each request's latency.
func load(b *testing.B, client *http.Client, url, body, want string, clients, n int) (time.Duration, []time.Duration) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				status, got, err := post(client, url, body)
				lat[i] = time.Since(t0)
				if err != nil || status != 200 || (want != "" && got != want) {
					b.Errorf("status %d, err %v, body %.100q", status, err, got)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), lat
}

func percentile(lat []time.Duration, p float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func BenchmarkThroughput(b *testing.B) {
	const clients, perRound = 64, 20_000
	defer debug.SetGCPercent(debug.SetGCPercent(serve.GCPercent)) // as `lumos serve` runs
	lumos := lumosInProcess(b)
	client := keepAliveClient(clients)
	for _, c := range benchCalls {
		b.Run(c.name, func(b *testing.B) {
			url := lumos + "/connectors/mock/" + c.capability
			_, want, err := post(client, url, c.body)
			if err != nil {
				b.Fatal(err)
			}
			doc := []byte(want)
			bare := serveInProcess(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
				_, _ = w.Write(doc)
			}))
			load(b, client, url, c.body, want, clients, 2000) // warm up both
			load(b, client, bare+"/", c.body, want, clients, 2000)
			var lumosTime, bareTime time.Duration
			var lumosLat, bareLat []time.Duration
			for b.Loop() {
				d, lat := load(b, client, url, c.body, want, clients, perRound)
				lumosTime += d
				lumosLat = append(lumosLat, lat...)
				d, lat = load(b, client, bare+"/", c.body, want, clients, perRound)
				bareTime += d
				bareLat = append(bareLat, lat...)
			}
			lumosRate := float64(len(lumosLat)) / lumosTime.Seconds()
			bareRate := float64(len(bareLat)) / bareTime.Seconds()
			b.ReportMetric(lumosRate, "serve-req/s")
			b.ReportMetric(bareRate, "bare-req/s")
			b.ReportMetric(lumosRate/bareRate, "ratio")
			b.ReportMetric(float64(percentile(lumosLat, .5).Microseconds())/1000, "serve-p50-ms")
			b.ReportMetric(float64(percentile(lumosLat, .99).Microseconds())/1000, "serve-p99-ms")
			b.ReportMetric(float64(percentile(bareLat, .5).Microseconds())/1000, "bare-p50-ms")
			b.ReportMetric(float64(percentile(bareLat, .99).Microseconds())/1000, "bare-p99-ms")
		})
	}
}

func BenchmarkPerCallVsCLI(b *testing.B) {
	bin := lumosBinary(b)
	lumos := lumosInProcess(b)
	client := keepAliveClient(1)
	dir := b.TempDir()
	for _, c := range benchCalls {
		b.Run(c.name, func(b *testing.B) {
			const perRound = 50
			var httpTime, cliTime time.Duration
			for b.Loop() {
				for range perRound {
					percall(b, client, bin, dir, lumos, c.capability, c.body, &httpTime, &cliTime)
				}
			}
			b.ReportMetric(float64(httpTime.Microseconds())/float64(b.N*perRound), "serve-µs/call")
			b.ReportMetric(float64(cliTime.Microseconds())/float64(b.N*perRound), "cli-µs/call")
			b.ReportMetric(float64(cliTime)/float64(httpTime), "ratio")
		})
	}
}

// percall times one call over HTTP and the same call by a CLI process.
func percall(b *testing.B, client *http.Client, bin, dir, lumos, capability, body string, httpTime, cliTime *time.Duration) {
	c := struct{ capability, body string }{capability, body}
	t0 := time.Now()
	status, got, err := post(client, lumos+"/connectors/mock/"+c.capability, c.body)
	*httpTime += time.Since(t0)
	if err != nil || status != 200 {
		b.Fatalf("status %d: %v", status, err)
	}
	t0 = time.Now()
	cmd := exec.Command(bin, "mock", c.capability, "--json", c.body)
	cmd.Dir = dir
	out, err := cmd.Output()
	*cliTime += time.Since(t0)
	if err != nil || string(out) != got {
		b.Fatalf("the CLI answered %v %.100q, the server %.100q", err, out, got)
	}
}

// rss is a process's resident set size in kB, from /proc.
func rss(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatalf("reading the RSS (Linux /proc): %v", err)
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb
		}
	}
	b.Fatal("no VmRSS in /proc status")
	return 0
}

func BenchmarkMemory(b *testing.B) {
	const clients, batch = 64, 100_000
	for b.Loop() {
		r := startReplica(b, "serve", "--listen", "127.0.0.1:0", "--no-access-log", "--max-in-flight", "4096")
		pid := r.cmd.Process.Pid
		time.Sleep(time.Second)
		idle := rss(b, pid)
		client := keepAliveClient(clients)
		url := "http://" + r.addr + "/connectors/mock/"
		send := func() {
			for i, c := range benchCalls {
				n := batch / len(benchCalls)
				if i == 0 {
					n += batch % len(benchCalls)
				}
				load(b, client, url+c.capability, c.body, "", clients, n)
			}
			time.Sleep(500 * time.Millisecond)
		}
		send()
		after1 := rss(b, pid)
		send()
		after2 := rss(b, pid)
		b.ReportMetric(idle/1024, "idle-MiB")
		b.ReportMetric(after1/1024, "after100k-MiB")
		b.ReportMetric(after2/1024, "after200k-MiB")
		b.ReportMetric(after2/after1, "growth-ratio")
		client.CloseIdleConnections()
		if err := r.stop(b); err != nil {
			b.Fatalf("exit after SIGTERM: %v", err)
		}
	}
}
