package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// TestDrainFetchesAhead: list_accounts fetches the member pages of a Lumos
// page concurrently, never more than paginate's bound at once, one at a
// time when raw data is asked for (raw_data keeps the pages in order), with
// the same upstream requests either way and nothing lost or repeated.
func TestDrainFetchesAhead(t *testing.T) {
	tests := []struct {
		name string
		raw  bool
		env  string // LUMOS_MAX_CONCURRENT_PAGES
		most int    // requests in flight allowed
	}{
		{name: "default", most: paginate.DefaultMaxConcurrentPages},
		{name: "environment", env: "2", most: 2},
		{name: "raw data", raw: true, most: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIs(t)
			t.Setenv(paginate.EnvMaxConcurrentPages, tt.env)
			var mu sync.Mutex
			inFlight, most, requests := 0, 0, 0
			f := githubfake.New(githubfake.Options{Middleware: func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					inFlight++
					requests++
					most = max(most, inFlight)
					mu.Unlock()
					time.Sleep(10 * time.Millisecond)
					mu.Lock()
					inFlight--
					mu.Unlock()
					h.ServeHTTP(w, r)
				})
			}})
			defer f.Close()
			f.AddOrg(org)
			f.AddMember(org, ownerLogin, "admin")
			f.AddToken(ownerToken, ownerLogin, "admin:org")
			const members = 1234
			for i := range members {
				f.AddMember(org, "dev"+pad(i), "member")
			}
			var ids []string
			var pages []json.RawMessage
			token := ""
			for range 100 {
				doc := map[string]any{"credentials": tokenCreds(ownerToken), "request": map[string]any{}, "include_raw_data": tt.raw,
					"settings": map[string]any{"org": org, "base_url": f.URL()}, "page": map[string]any{"size": 500, "token": token}}
				body, _ := json.Marshal(doc)
				var env struct {
					Response []toolkit.FoundAccountData
					RawData  []json.RawMessage `json:"raw_data"`
					Page     *toolkit.Page
					IsError  bool `json:"is_error"`
				}
				is.NoErr(json.Unmarshal(Integration().Dispatch(toolkit.WithLogger(context.Background(), quiet), "list_accounts", body), &env))
				is.True(!env.IsError)
				for _, a := range env.Response {
					ids = append(ids, a.IntegrationSpecificID)
				}
				pages = append(pages, env.RawData...)
				if env.Page == nil {
					break
				}
				token = env.Page.Token
			}
			seen := map[string]bool{}
			for _, id := range ids {
				is.True(!seen[id]) // nothing repeated
				seen[id] = true
			}
			is.Equal(len(ids), members+1) // nothing lost
			is.True(most <= tt.most)      // never more in flight than allowed
			if tt.most > 1 {
				is.True(most >= 2) // and concurrent when allowed
			}
			// 1 owner page, 13 member pages, 1 each of outside collaborators and invitations
			is.Equal(requests, 1+13+2)
			if tt.raw {
				// raw_data holds the pages in order: logins ascending across them
				var logins []string
				for _, p := range pages {
					var us []user
					if json.Unmarshal(p, &us) == nil {
						for _, u := range us {
							logins = append(logins, u.Login)
						}
					}
				}
				is.Equal(len(logins), members+1)
				for i := 2; i < len(logins); i++ {
					is.True(logins[i-1] < logins[i])
				}
			}
		})
	}
}

// TestDrainWithFaultsFetchingAhead is TestDrainWithFaults with a rate limit
// that leaves room to fetch ahead: 502s and secondary rate limits land on
// pages fetched concurrently, and nothing is lost or duplicated.
func TestDrainWithFaultsFetchingAhead(t *testing.T) {
	for _, size := range []int{250, 1000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := newIs(t)
			e := newEnv(t, envOptions{maxWait: 2 * time.Hour})
			want := map[string]bool{id(e.f.UserID(ownerLogin)): true}
			for i := range 2500 {
				role := "member"
				if i%250 == 0 {
					role = "admin"
				}
				want[id(e.member("dev"+pad(i), role))] = true
			}
			var faults atomic.Int32 // the fake answers concurrently
			var hit sync.Map        // pages given a 502 already
			e.setInject(func(n int, r *http.Request) int {
				switch n {
				case 3, 4, 6, 9, 19: // 502s, some in a row, on pages fetched together
					// One 502 per page at most: with the two 403s below, no request
					// meets more faults than its attempts (4), however the
					// concurrent fetches interleave.
					if _, again := hit.LoadOrStore(r.URL.String(), true); again {
						return 0
					}
					faults.Add(1)
					return http.StatusBadGateway
				case 12:
					faults.Add(1)
					e.f.SetSecondaryRateLimit(&githubfake.SecondaryRateLimit{Requests: 2, RetryAfter: 30 * time.Second})
				}
				return 0
			})
			accounts, _ := drain[toolkit.FoundAccountData](e, "list_accounts", map[string]any{}, call{}, size)
			got := map[string]bool{}
			for _, a := range accounts {
				is.True(!got[a.IntegrationSpecificID]) // nothing duplicated
				got[a.IntegrationSpecificID] = true
			}
			is.Equal(got, want) // nothing lost
			// the secondary limit and most 502s landed (a 502 due on a page given one already is skipped)
			is.True(faults.Load() >= 4)
		})
	}
}
