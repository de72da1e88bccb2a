//go:build linux

package github

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// BenchmarkListAccountsBinary drains list_accounts of a 20,000-member
// organization through the built binary (`lumos github list_accounts --json
// …`, one process per Lumos page of 1,000) against githubfake on loopback.
// Right after each call, a plain net/http loop fetches exactly the upstream
// pages that call fetched (recorded by the fake's middleware), one after
// the other on a keep-alive connection, so both sides see the same server
// under the same load. It reports:
//
//   - ratio: Σ binary call time / Σ plain loop time (goal ≤ 1.3);
//   - req/100acct: upstream requests per 100 accounts listed (goal 1.0);
//   - peak-RSS-MB: the largest peak RSS of one binary call (goal ≤ 30 MB),
//     measured by connectortest's meter (see connectortest.Measure);
//   - binary-ms, loop-ms: the drain times; call-ms: one call; cpu-ms: the
//     binary's own CPU time per call; server-ms: the fake's time per drain.
//
// The fake runs without its validating wrapper (kin-openapi would dominate
// both sides). Run it with
//
//	go test ./connectors/github -run '^$' -bench ListAccountsBinary -benchtime 2x
func BenchmarkListAccountsBinary(b *testing.B) {
	benchDrain(b, 20000, 0)
}

// BenchmarkListAccountsBinaryLatency is BenchmarkListAccountsBinary with
// 4,000 members and 100 ms added to every upstream answer, as GitHub's
// pages take 100–300 ms: the binary fetches the pages of a Lumos page that
// GitHub's Link header makes known in advance concurrently (4 at a time by
// default), the plain loop one after the other. Goal: ratio ≤ 0.5, with
// the same upstream requests (req/100acct ≈ 1). Run it with
//
//	go test ./connectors/github -run '^$' -bench ListAccountsBinaryLatency -benchtime 2x
func BenchmarkListAccountsBinaryLatency(b *testing.B) {
	benchDrain(b, 4000, 100*time.Millisecond)
}

// benchDrain drains list_accounts of an organization of members (20 of
// them owners) at Lumos page size 1,000 through the binary, each upstream
// answer delayed by latency, and compares it with a sequential net/http
// loop over the same upstream pages (see BenchmarkListAccountsBinary).
func benchDrain(b *testing.B, members int, latency time.Duration) {
	const owners, size = 20, 1000
	bin := connectortest.BuildLumos(b)
	var mu sync.Mutex
	var seen []string
	var serverTime time.Duration
	f := githubfake.New(githubfake.Options{RateLimit: 10_000_000, Middleware: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, r.URL.RequestURI()) // before answering: the client may be gone right after
			mu.Unlock()
			start := time.Now()
			time.Sleep(latency)
			h.ServeHTTP(w, r)
			mu.Lock()
			serverTime += time.Since(start)
			mu.Unlock()
		})
	}})
	defer f.Close()
	f.AddOrg(org)
	for i := range members {
		role := "member"
		if i < owners {
			role = "admin"
		}
		f.AddMember(org, "dev"+pad(i), role)
	}
	f.AddToken(ownerToken, "dev00000", "admin:org", "repo")
	b.Setenv("LUMOS_LOG_DIRECTORY", b.TempDir())
	client := &http.Client{}
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := seen
		seen = nil
		return out
	}

	var binTime, loopTime, cpu, server time.Duration
	var requests, accounts int
	var peakRSS int64
	var calls int
	for b.Loop() {
		page := map[string]any{"size": size}
		listed := 0
		mu.Lock()
		serverTime = 0
		mu.Unlock()
		for page != nil {
			r := runBinary(b, bin, f.URL(), page)
			binTime += r.wall
			cpu += r.cpu
			peakRSS = max(peakRSS, r.maxRSS)
			calls++
			listed += r.accounts
			page = r.next
			urls := take()
			requests += len(urls)
			start := time.Now()
			if got := fetchPlain(b, client, f.URL(), urls); got != r.accounts {
				b.Fatalf("plain loop read %d accounts, the binary %d: %q", got, r.accounts, urls)
			}
			loopTime += time.Since(start)
			take() // the plain loop's own requests
		}
		mu.Lock()
		server += serverTime
		mu.Unlock()
		if listed != members {
			b.Fatalf("binary listed %d accounts, want %d", listed, members)
		}
		accounts += listed
	}
	b.ReportMetric(float64(binTime)/float64(loopTime), "ratio")
	b.ReportMetric(float64(requests)*100/float64(accounts), "req/100acct")
	b.ReportMetric(float64(peakRSS)/1024, "peak-RSS-MB")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(loopTime.Milliseconds())/float64(b.N), "loop-ms")
	b.ReportMetric(float64(server.Milliseconds())/float64(b.N), "server-ms")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(calls), "call-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(calls), "cpu-ms")
}

// binaryCall is one list_accounts call through the binary.
type binaryCall struct {
	accounts int
	next     map[string]any
	wall     time.Duration
	cpu      time.Duration
	maxRSS   int64 // KiB
}

// runBinary makes one list_accounts call through the binary, measured by
// connectortest's meter.
func runBinary(b *testing.B, bin, baseURL string, page map[string]any) binaryCall {
	b.Helper()
	c := connectortest.RunLumos(b, bin, "github", "list_accounts", map[string]any{
		"credentials": tokenCreds(ownerToken),
		"request":     map[string]any{},
		"settings":    map[string]any{"org": org, "base_url": baseURL},
		"page":        page,
	})
	r := binaryCall{accounts: c.Items, wall: c.Took, cpu: c.CPU, maxRSS: c.MaxRSSKiB}
	if c.Page != nil {
		r.next = map[string]any{"token": c.Page.Token, "size": c.Page.Size}
	}
	return r
}

// fetchPlain GETs the given request URIs with net/http and decodes them;
// it returns the number of items read.
func fetchPlain(b testing.TB, client *http.Client, baseURL string, uris []string) int {
	b.Helper()
	n := 0
	for _, uri := range uris {
		n += getPlain(b, client, baseURL+uri, nil)
	}
	return n
}

// getPlain GETs one page and returns its item count; next, if not nil,
// receives the rel="next" URL.
func getPlain(b testing.TB, client *http.Client, u string, next *string) int {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+ownerToken)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", APIVersion)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var items []struct {
		Login string `json:"login"`
		ID    int64  `json:"id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&items)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	if next != nil {
		*next = paginate.NextLink(resp.Header)
	}
	return len(items)
}

// drainPlain fetches every account with net/http: owners, members,
// outside collaborators and invitations, 100 a page, following Link.
func drainPlain(b testing.TB, baseURL string) int {
	b.Helper()
	client := &http.Client{}
	n := 0
	for _, first := range []string{"/members?role=admin&per_page=100", "/members?role=member&per_page=100", "/outside_collaborators?per_page=100", "/invitations?per_page=100"} {
		for u := baseURL + "/orgs/" + org + first; u != ""; {
			n += getPlain(b, client, u, &u)
		}
	}
	return n
}

// TestPlainLoop keeps the benchmark's baseline honest on a small
// organization (the benchmark itself is too slow for every test run).
func TestPlainLoop(t *testing.T) {
	f := githubfake.New(githubfake.Options{})
	defer f.Close()
	f.AddOrg(org)
	for i := range 250 {
		f.AddMember(org, "dev"+pad(i), []string{"admin", "member"}[min(i, 1)])
	}
	f.AddToken(ownerToken, "dev00000", "admin:org")
	if got := drainPlain(t, f.URL()); got != 250 {
		t.Fatalf("plain loop listed %d, want 250", got)
	}
}
