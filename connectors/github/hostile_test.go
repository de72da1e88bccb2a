package github

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// GitHub-shaped list entries for the hostile upstream (ids far from the
// fake's own).
func userEntry(id int) string {
	id += 1_000_000
	return fmt.Sprintf(`{"id":%d,"login":"user-%d","type":"User"}`, id, id)
}

func teamEntry(id int) string {
	id += 1_000_000
	return fmt.Sprintf(`{"id":%d,"slug":"team-%d","name":"Team %d","privacy":"closed"}`, id, id, id)
}
func repoEntry(id int) string {
	id += 1_000_000
	return fmt.Sprintf(`{"id":%d,"name":"repo-%d","full_name":"acme/repo-%d"}`, id, id, id)
}
func invitationEntry(id int) string {
	id += 1_000_000
	return fmt.Sprintf(`{"id":%d,"login":"user-%d","role":"direct_member"}`, id, id)
}

// fat pads an entry with 10 KiB.
func fat(entry func(int) string) func(int) string {
	return func(id int) string {
		s := entry(id)
		return s[:len(s)-1] + `,"pad":"` + strings.Repeat("x", 10<<10) + `"}`
	}
}

// TestHostileUpstreamEndsEveryCall points each GitHub call's listing or
// scan at a hostile upstream: every call ends within its budget (40
// requests, 4 MiB) with the right error.
func TestHostileUpstreamEndsEveryCall(t *testing.T) {
	const maxRequests = 40
	type target struct {
		name    string
		capName string
		path    string // the listing attacked
		entry   func(int) string
		request func(e *env) any
	}
	stranger := func(e *env) any { return map[string]any{"account_id": id(e.user("stranger"))} }
	targets := []target{
		{"list_accounts", "list_accounts", "/orgs/acme/members", userEntry, func(*env) any { return map[string]any{} }},
		{"list_resources", "list_resources", "/orgs/acme/teams", teamEntry, func(*env) any { return map[string]any{} }},
		{"list_entitlements", "list_entitlements", "/orgs/acme/teams", teamEntry, func(*env) any { return map[string]any{} }},
		{"find_entitlement_associations", "find_entitlement_associations", "/orgs/acme/members", userEntry, func(*env) any { return map[string]any{} }},
		{"get_account scan of outside collaborators", "get_account", "/orgs/acme/outside_collaborators", userEntry, stranger},
		{"get_account scan of invitations", "get_account", "/orgs/acme/invitations", invitationEntry,
			func(*env) any { return map[string]any{"account_id": "invitation:999999"} }},
		{"get_account_entitlement_associations", "get_account_entitlement_associations", "/orgs/acme/repos", repoEntry, stranger},
		{"delete_account scan of outside collaborators", "delete_account", "/orgs/acme/outside_collaborators", userEntry, stranger},
	}
	loopOrBudget := []string{"Pagination loop", "Request loop", "Call budget exceeded"}
	attacks := []struct {
		name    string
		handler func(entry func(int) string) http.Handler
		code    errs.ErrorCode
		any     []string // the message holds one of these
		endless bool     // a listing may go on from call to call, each call within its budget
	}{
		{"self-link, empty", func(func(int) string) http.Handler { return hostile.SelfLink(`[]`) }, errs.APIError, loopOrBudget, false},
		{"self-link", func(e func(int) string) http.Handler { return hostile.SelfLink("[" + e(1) + "]") }, errs.APIError, loopOrBudget, false},
		{"cycle of two URLs", func(e func(int) string) http.Handler { return hostile.Cycle("[" + e(1) + "]") }, errs.APIError, loopOrBudget, false},
		{"the same page at new URLs", func(e func(int) string) http.Handler { return hostile.Repeated("[" + e(1) + "," + e(2) + "]") }, errs.APIError, loopOrBudget, false},
		{"empty pages at new URLs", func(func(int) string) http.Handler { return hostile.Repeated(`[]`) }, errs.APIError, loopOrBudget, false},
		{"endless pages", func(e func(int) string) http.Handler { return hostile.Endless(100, e) }, errs.APIError,
			[]string{"limit of " + strconv.Itoa(maxRequests) + " upstream requests"}, true},
		{"endless fat pages", func(e func(int) string) http.Handler { return hostile.Endless(100, fat(e)) }, errs.APIError,
			[]string{"limit of 4194304 bytes", "limit of " + strconv.Itoa(maxRequests) + " upstream requests"}, true},
		{"a null entry", func(e func(int) string) http.Handler { return hostile.Static(http.StatusOK, nil, "["+e(1)+",null]") }, errs.InvalidResponse,
			[]string{"entry 1 of the list at http://"}, false},
		{"an id that does not parse", func(func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, `[{"id":"12ab","login":"x","slug":"x","name":"x"}]`)
		}, errs.InvalidResponse, []string{"does not have the expected shape"}, false},
		{"a missing id", func(func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, `[{"login":"x","slug":"x","name":"x"}]`)
		}, errs.InvalidResponse, []string{"entry 0 of the list at http://"}, false},
		{"EOF mid-body", func(e func(int) string) http.Handler { return hostile.BreakMidBody("["+e(1)+","+e(2)+"]", false) }, errs.APIError,
			[]string{"connection to the API broke during GET"}, false},
		{"Retry-After 1e308", func(func(int) string) http.Handler {
			return hostile.Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "1e308"}, `{"message":"slow down"}`)
		}, errs.RateLimit, []string{"without saying when"}, false},
	}
	for _, tg := range targets {
		for _, at := range attacks {
			t.Run(tg.name+"/"+at.name, func(t *testing.T) {
				is := newIs(t)
				t.Setenv(toolkit.EnvMaxUpstreamRequests, strconv.Itoa(maxRequests))
				t.Setenv(toolkit.EnvMaxUpstreamBytes, strconv.Itoa(4<<20))
				e := newEnv(t, envOptions{})
				hs := hostile.New(t, e.srv.Config.Handler)
				hs.Mount("GET "+tg.path, at.handler(tg.entry))
				e.base = hs.URL()
				req := tg.request(e)
				var page *toolkit.Page
				for n := 1; ; n++ { // a listing's next calls resume from the page token
					before, start := hs.Requests(), time.Now()
					env := e.dispatch(tg.capName, req, call{page: page})
					is.True(hs.Requests()-before <= maxRequests) // each call within the request budget
					is.True(time.Since(start) < 20*time.Second)  // and quickly
					if !env.IsError {
						is.True(env.Page != nil) // a hostile listing never ends normally
						if at.endless && n == 5 {
							return // five calls, each within its budget: the platform decides when to stop
						}
						is.True(n < 5) // a loop is caught by the next call at the latest
						page = env.Page
						continue
					}
					is.Equal(env.Error.ErrorCode, at.code)
					found := false
					for _, m := range at.any {
						found = found || strings.Contains(env.Error.Message, m)
					}
					if !found {
						t.Errorf("message %q names none of %q", env.Error.Message, at.any)
					}
					if at.code == errs.InvalidResponse {
						is.True(strings.Contains(env.Error.Message, tg.path)) // names the page
					}
					is.True(!strings.Contains(env.Error.Message, ownerToken))
					return
				}
			})
		}
	}
}
