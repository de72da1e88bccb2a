//go:build linux

package okta_test

import (
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// BenchmarkDPoPDrainBinary measures what DPoP costs a drain: 5,000 users
// through the built binary (one process per Lumos page of 1,000, upstream
// limit 200) with a service app that requires DPoP (oauth_dpop auto: a
// plain token request, then the proof and its nonce round trip, then a
// proof per page) against the same drain with a service app that does not
// (one token request, bearer), page by page in turn on the same fake. It
// reports:
//
//   - ratio: Σ DPoP call time / Σ bearer call time;
//   - dpop-ms, bearer-ms: the drain times;
//   - token-req/call: token requests per DPoP call (3 with auto).
//
// Run it with
//
//	go test ./connectors/okta -run '^$' -bench DPoPDrainBinary -benchtime 2x
func BenchmarkDPoPDrainBinary(b *testing.B) {
	const users, size = 5_000, 1000
	bin := connectortest.BuildLumos(b)
	f := oktafake.New()
	defer f.Close()
	f.AddUsers(users)
	dpopKey, dpopPEM := newKey(b)
	bearerKey, bearerPEM := newKey(b)
	f.AddServiceApp("0oadpop", &dpopKey.PublicKey, "", readScopes...)
	f.RequireDPoP("0oadpop")
	f.AddServiceApp("0oabearer", &bearerKey.PublicKey, "", readScopes...)
	var dpopTime, bearerTime time.Duration
	var dpopCalls int
	var dpopTokenRequests int64
	for b.Loop() {
		pages := map[string]*toolkit.Page{"0oadpop": {Size: size}, "0oabearer": {Size: size}}
		got := map[string]int{}
		for pages["0oadpop"] != nil || pages["0oabearer"] != nil {
			for _, app := range []string{"0oadpop", "0oabearer"} {
				if pages[app] == nil {
					continue
				}
				pemKey := bearerPEM
				if app == "0oadpop" {
					pemKey = dpopPEM
				}
				tokensBefore := f.RouteRequests("POST /oauth2/v1/token")
				c := connectortest.RunLumos(b, bin, "okta", "list_accounts", map[string]any{"credentials": appCreds(app, pemKey), "request": map[string]any{},
					"settings": map[string]any{"base_url": f.URL()}, "page": pages[app]})
				got[app] += c.Items
				pages[app] = c.Page
				if app == "0oadpop" {
					dpopTime += c.Took
					dpopCalls++
					dpopTokenRequests += f.RouteRequests("POST /oauth2/v1/token") - tokensBefore
				} else {
					bearerTime += c.Took
				}
			}
		}
		if got["0oadpop"] != users || got["0oabearer"] != users {
			b.Fatalf("list_accounts: %v accounts, want %d each", got, users)
		}
	}
	b.ReportMetric(float64(dpopTime)/float64(bearerTime), "ratio")
	b.ReportMetric(float64(dpopTime.Milliseconds())/float64(b.N), "dpop-ms")
	b.ReportMetric(float64(bearerTime.Milliseconds())/float64(b.N), "bearer-ms")
	b.ReportMetric(float64(dpopTokenRequests)/float64(dpopCalls), "token-req/call")
}
