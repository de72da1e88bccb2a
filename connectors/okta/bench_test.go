//go:build linux

package okta_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// BenchmarkDrainBinary drains list_accounts of 20,000 users through the
// built binary (`lumos okta list_accounts --json …`, one process per Lumos
// page of 1,000) against oktafake on loopback, upstream limit 200 (Okta's
// maximum). Right after each call, a plain net/http loop fetches exactly
// the upstream pages that call fetched, one after the other, and decodes
// them. It reports:
//
//   - ratio: Σ binary call time / Σ plain loop time (goal ≤ 1.3);
//   - req/200acct: upstream requests per 200 accounts;
//   - peak-rss-MB: the largest peak resident set of one call;
//   - binary-ms, loop-ms: the drain times.
//
// Run it with
//
//	go test ./connectors/okta -run '^$' -bench DrainBinary -benchtime 2x
func BenchmarkDrainBinary(b *testing.B) {
	const users, size = 20_000, 1000
	bin := connectortest.BuildLumos(b)
	f := oktafake.New()
	defer f.Close()
	f.AddToken(apiToken)
	f.AddUsers(users)
	client := &http.Client{}
	var binTime, loopTime time.Duration
	var requests, accounts int
	var peakRSS int64
	for b.Loop() {
		page := &toolkit.Page{Size: size}
		got := 0
		for page != nil {
			f.Record(true)
			n, next, took, rss := runBinary(b, bin, f.URL(), page)
			binTime += took
			peakRSS = max(peakRSS, rss)
			got += n
			page = next
			uris := f.Record(false)
			requests += len(uris)
			start := time.Now()
			fetchPlain(b, client, f.URL(), uris)
			loopTime += time.Since(start)
		}
		if got != users {
			b.Fatalf("list_accounts: %d accounts, want %d", got, users)
		}
		accounts += users
	}
	b.ReportMetric(float64(binTime)/float64(loopTime), "ratio")
	b.ReportMetric(float64(requests)*200/float64(accounts), "req/200acct")
	b.ReportMetric(float64(peakRSS)/1024, "peak-rss-MB")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(loopTime.Milliseconds())/float64(b.N), "loop-ms")
}

// runBinary runs one call and returns the number of accounts, the next
// page, the process's wall time and its peak resident set in KiB.
func runBinary(b *testing.B, bin, base string, page *toolkit.Page) (int, *toolkit.Page, time.Duration, int64) {
	b.Helper()
	c := connectortest.RunLumos(b, bin, "okta", "list_accounts", map[string]any{"credentials": tokenCreds(apiToken), "request": map[string]any{},
		"settings": map[string]any{"base_url": base}, "page": page})
	return c.Items, c.Page, c.Took, c.MaxRSSKiB
}

// fetchPlain fetches and decodes the same upstream pages one after the other.
func fetchPlain(b *testing.B, client *http.Client, base string, uris []string) {
	b.Helper()
	for _, u := range uris {
		req, _ := http.NewRequest(http.MethodGet, base+u, nil)
		req.Header.Set("Authorization", "SSWS "+apiToken)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var users []map[string]any
		err = json.NewDecoder(resp.Body).Decode(&users)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %v", u, resp.StatusCode, err)
		}
	}
}
