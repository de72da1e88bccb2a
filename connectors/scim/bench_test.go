//go:build linux

package scim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// BenchmarkDrainBinary drains list_accounts of 10,000 users and
// find_entitlement_associations of 200 groups (every user in one group)
// through the built binary (`lumos scim <capability> --json …`, one process
// per Lumos page of 1,000) against scimfake on loopback, upstream count
// 100 (the fake's maximum). Right after each call, a plain net/http loop
// fetches exactly the upstream pages that call fetched, one after the
// other, and decodes them. It reports:
//
//   - ratio: Σ binary call time / Σ plain loop time (goal ≤ 1.3);
//   - req/100acct: upstream list_accounts requests per 100 accounts;
//   - binary-ms, loop-ms: the drain times.
//
// Run it with
//
//	go test ./connectors/scim -run '^$' -bench DrainBinary -benchtime 2x
func BenchmarkDrainBinary(b *testing.B) {
	const users, groups, size = 10_000, 200, 1000
	bin := connectortest.BuildLumos(b)
	f := scimfake.New(scimfake.Options{Token: token})
	base, stop := f.Start()
	defer stop()
	seed(f, users, groups)
	client := &http.Client{}
	var binTime, loopTime time.Duration
	var accountRequests, accounts int
	for b.Loop() {
		for _, c := range []struct {
			capName string
			want    int
		}{{"list_accounts", users}, {"find_entitlement_associations", users}} {
			f.Requests(true)
			var page *toolkit.Page = &toolkit.Page{Size: size}
			got := 0
			for page != nil {
				n, next, took := runBinary(b, bin, base, c.capName, page)
				binTime += took
				got += n
				page = next
				reqs := f.Requests(true)
				if c.capName == "list_accounts" {
					accountRequests += len(reqs)
				}
				start := time.Now()
				fetchPlain(b, client, base, reqs)
				loopTime += time.Since(start)
				f.Requests(true)
			}
			if got != c.want {
				b.Fatalf("%s: %d items, want %d", c.capName, got, c.want)
			}
		}
		accounts += users
	}
	b.ReportMetric(float64(binTime)/float64(loopTime), "ratio")
	b.ReportMetric(float64(accountRequests)*100/float64(accounts), "req/100acct")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(loopTime.Milliseconds())/float64(b.N), "loop-ms")
}

// runBinary runs one call and returns the number of items and the next page.
func runBinary(b *testing.B, bin, base, capName string, page *toolkit.Page) (int, *toolkit.Page, time.Duration) {
	b.Helper()
	c := connectortest.RunLumos(b, bin, "scim", capName, map[string]any{"credentials": []any{map[string]any{"id": "token", "token": map[string]any{"token": token}}},
		"request": map[string]any{}, "settings": map[string]any{"base_url": base}, "page": page})
	return c.Items, c.Page, c.Took
}

// fetchPlain fetches and decodes the same upstream pages one after the other.
func fetchPlain(b *testing.B, client *http.Client, base string, reqs []scimfake.Request) {
	b.Helper()
	root := base[:len(base)-len(scimfake.Prefix)]
	for _, r := range reqs {
		req, _ := http.NewRequest(r.Method, root+r.URI, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Resources []map[string]any `json:"Resources"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(fmt.Sprint(r.URI, resp.StatusCode, err))
		}
	}
}
