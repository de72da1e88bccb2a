package okta_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// Okta-shaped list entries for the hostile upstream.
func userEntry(id int) string {
	return fmt.Sprintf(`{"id":"00uh%d","status":"ACTIVE","profile":{"login":"h%d@example.com","email":"h%d@example.com"}}`, id, id, id)
}

func groupEntry(id int) string {
	return fmt.Sprintf(`{"id":"00gh%d","type":"OKTA_GROUP","profile":{"name":"g%d"}}`, id, id)
}

// TestHostileUpstreamEndsEveryCall points each listing or scan at a
// hostile upstream: every call ends within its budget (40 requests, 4 MiB)
// with the right error, and a loop is caught by the next call at the latest.
func TestHostileUpstreamEndsEveryCall(t *testing.T) {
	const maxRequests = 40
	type target struct {
		capName string
		path    string // the listing attacked
		entry   func(int) string
		request func(user string) any
	}
	targets := []target{
		{"list_accounts", "/api/v1/users", userEntry, func(string) any { return map[string]any{} }},
		{"list_entitlements", "/api/v1/groups", groupEntry, func(string) any { return map[string]any{} }},
		{"find_entitlement_associations", "/api/v1/groups", groupEntry, func(string) any { return map[string]any{} }},
		{"get_account_entitlement_associations", "/api/v1/users/{id}/groups", groupEntry, func(u string) any { return map[string]any{"account_id": u} }},
	}
	loop := []string{"Pagination loop", "Request loop", "Call budget exceeded"}
	attacks := []struct {
		name    string
		handler func(entry func(int) string) http.Handler
		code    string
		any     []string
		endless bool
	}{
		{"self-link", func(e func(int) string) http.Handler { return hostile.SelfLink("[" + e(1) + "]") }, "api_error", loop, false},
		{"cycle", func(e func(int) string) http.Handler { return hostile.Cycle("[" + e(1) + "]") }, "api_error", loop, false},
		{"same page at new URLs", func(e func(int) string) http.Handler { return hostile.Repeated("[" + e(1) + "," + e(2) + "]") }, "api_error", loop, false},
		{"empty pages at new URLs", func(func(int) string) http.Handler { return hostile.Repeated(`[]`) }, "api_error", loop, false},
		{"endless", func(e func(int) string) http.Handler { return hostile.Endless(200, e) }, "api_error",
			[]string{"limit of " + strconv.Itoa(maxRequests) + " upstream requests"}, true},
		{"null entry", func(e func(int) string) http.Handler { return hostile.Static(http.StatusOK, nil, "["+e(1)+",null]") }, "invalid_response",
			[]string{"entry 1 of the list"}, false},
		{"missing id", func(func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, `[{"status":"ACTIVE"}]`)
		}, "invalid_response",
			[]string{"entry 0 of the list"}, false},
		{"EOF mid-body", func(e func(int) string) http.Handler { return hostile.BreakMidBody("["+e(1)+","+e(2)+"]", false) }, "api_error",
			[]string{"connection to the API broke"}, false},
		{"Retry-After 1e308", func(func(int) string) http.Handler {
			return hostile.Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "1e308"}, `{"errorCode":"E0000047","errorSummary":"slow down"}`)
		}, "rate_limit", []string{"without saying when"}, false},
	}
	for _, tg := range targets {
		for _, at := range attacks {
			t.Run(tg.capName+"/"+at.name, func(t *testing.T) {
				is := is.New(t)
				t.Setenv(toolkit.EnvMaxUpstreamRequests, strconv.Itoa(maxRequests))
				t.Setenv(toolkit.EnvMaxUpstreamBytes, strconv.Itoa(4<<20))
				f := oktafake.New()
				defer f.Close()
				f.AddToken(apiToken)
				u := f.AddUser(oktafake.User{})
				f.AddGroup(oktafake.Group{Name: "real"})
				hs := hostile.New(t, f)
				hs.Mount("GET "+strings.ReplaceAll(tg.path, "{id}", u), at.handler(tg.entry))
				e := &env{t: t, f: f, settings: map[string]any{"base_url": hs.URL()}, creds: tokenCreds(apiToken)}
				var page *toolkit.Page
				for n := 1; ; n++ {
					before, start := hs.Requests(), time.Now()
					env := e.call(tg.capName, tg.request(u), page)
					is.True(hs.Requests()-before <= maxRequests) // each call within its budget
					is.True(time.Since(start) < 20*time.Second)
					var done bool
					if page, done = hostileOutcome(t, env, n, at.code, at.any, at.endless); done {
						return
					}
				}
			})
		}
	}
}

// iamBody is an iam listing's answer: the entries under key, and
// _links.next when next is set.
func iamBody(key, next string, entries ...string) string {
	links := "{}"
	if next != "" {
		links = `{"next":{"href":"` + next + `"}}`
	}
	return `{"` + key + `":[` + strings.Join(entries, ",") + `],"_links":` + links + `}`
}

// TestHostileIAMListings points each iam listing list_entitlements reads
// for custom roles (resource sets, a set's bindings, the custom roles) at
// a hostile upstream, next pages named in the Link header or in the body's
// _links.next: every call ends within its budget with the right error.
func TestHostileIAMListings(t *testing.T) {
	const maxRequests = 40
	targets := []struct {
		name, path, key string
		entry           func(int) string
	}{
		{"resource-sets", "/api/v1/iam/resource-sets", "resource-sets", func(i int) string { return fmt.Sprintf(`{"id":"iamh%d","label":"s%d"}`, i, i) }},
		{"bindings", "/api/v1/iam/resource-sets/{set}/bindings", "roles", func(i int) string { return fmt.Sprintf(`{"id":"cr0h%d"}`, i) }},
		{"roles", "/api/v1/iam/roles", "roles", func(i int) string { return fmt.Sprintf(`{"id":"cr0h%d","label":"r%d","description":""}`, i, i) }},
	}
	loop := []string{"Pagination loop", "Request loop", "Call budget exceeded", "limit of " + strconv.Itoa(maxRequests) + " upstream requests"}
	bodyNext := func(key string, entry func(int) string, hop func(r *http.Request) (this, next int)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			this, next := hop(r)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, iamBody(key, fmt.Sprintf("http://%s%s?after=%d", r.Host, r.URL.Path, next), entry(this)))
		})
	}
	after := func(r *http.Request) int { n, _ := strconv.Atoi(r.URL.Query().Get("after")); return n }
	attacks := []struct {
		name    string
		handler func(key string, entry func(int) string) http.Handler
		code    string
		any     []string
		endless bool
	}{
		{"self-link header", func(k string, e func(int) string) http.Handler { return hostile.SelfLink(iamBody(k, "", e(1))) }, "api_error", loop, false},
		{"self-link body", func(k string, e func(int) string) http.Handler {
			return bodyNext(k, e, func(r *http.Request) (int, int) { return 1, after(r) })
		}, "api_error", loop, false},
		{"cycle", func(k string, e func(int) string) http.Handler { return hostile.Cycle(iamBody(k, "", e(1))) }, "api_error", loop, false},
		{"same page at new URLs", func(k string, e func(int) string) http.Handler { return hostile.Repeated(iamBody(k, "", e(1), e(2))) }, "api_error", loop, false},
		{"empty pages at new URLs", func(k string, _ func(int) string) http.Handler { return hostile.Repeated(iamBody(k, "")) }, "api_error", loop, false},
		{"endless in the body", func(k string, e func(int) string) http.Handler {
			return bodyNext(k, e, func(r *http.Request) (int, int) { return after(r) + 1, after(r) + 1 })
		}, "api_error", loop, true},
		{"null entry", func(k string, e func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, iamBody(k, "", e(1), "null"))
		}, "invalid_response",
			[]string{"entry 1 of the list"}, false},
		{"missing id", func(k string, _ func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, iamBody(k, "", `{"label":"x"}`))
		}, "invalid_response", []string{"entry 0 of the list"}, false},
		{"separator in id", func(k string, _ func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, iamBody(k, "", `{"id":"cr0a:iamb","label":"x","description":""}`))
		}, "invalid_response", []string{"entry 0 of the list"}, false},
		{"not a list", func(k string, _ func(int) string) http.Handler {
			return hostile.Static(http.StatusOK, nil, `{"`+k+`":{"id":"x"}}`)
		}, "invalid_response", []string{"is not a list"}, false},
		{"EOF mid-body", func(k string, e func(int) string) http.Handler {
			return hostile.BreakMidBody(iamBody(k, "", e(1), e(2)), false)
		}, "api_error",
			[]string{"connection to the API broke"}, false},
	}
	for _, tg := range targets {
		for _, at := range attacks {
			t.Run(tg.name+"/"+at.name, func(t *testing.T) {
				is := is.New(t)
				t.Setenv(toolkit.EnvMaxUpstreamRequests, strconv.Itoa(maxRequests))
				t.Setenv(toolkit.EnvMaxUpstreamBytes, strconv.Itoa(4<<20))
				f := oktafake.New()
				defer f.Close()
				f.AddToken(apiToken)
				set := f.AddResourceSet(oktafake.ResourceSet{Label: "real"})
				f.AddBinding(set, f.AddCustomRole(oktafake.CustomRole{Label: "real"}))
				hs := hostile.New(t, f)
				hs.Mount("GET "+strings.ReplaceAll(tg.path, "{set}", set), at.handler(tg.key, tg.entry))
				e := &env{t: t, f: f, settings: map[string]any{"base_url": hs.URL()}, creds: tokenCreds(apiToken)}
				var page *toolkit.Page
				for n := 1; ; n++ {
					before := hs.Requests()
					env := e.call("list_entitlements", map[string]any{}, page)
					is.True(hs.Requests()-before <= maxRequests) // each call within its budget
					var done bool
					if page, done = hostileOutcome(t, env, n, at.code, at.any, at.endless); done {
						return
					}
				}
			})
		}
	}
}

// TestHostileCustomAssignments: a CUSTOM role assignment whose role or
// resource set is missing or cannot be part of an entitlement id is
// invalid_response in both association capabilities, never a made-up id.
func TestHostileCustomAssignments(t *testing.T) {
	cases := []struct {
		name, assignment string
	}{
		{"separator in role", `{"id":"irb1","type":"CUSTOM","assignmentType":"USER","role":"cr0a:b","resource-set":"iam1"}`},
		{"slash in resource set", `{"id":"irb1","type":"CUSTOM","assignmentType":"USER","role":"cr0a","resource-set":"iam/1"}`},
		{"no role", `{"id":"irb1","type":"CUSTOM","assignmentType":"USER","resource-set":"iam1"}`},
		{"no resource set", `{"id":"irb1","type":"CUSTOM","assignmentType":"GROUP","role":"cr0a"}`},
	}
	for _, c := range cases {
		for _, capName := range []string{"find_entitlement_associations", "get_account_entitlement_associations"} {
			t.Run(c.name+"/"+capName, func(t *testing.T) {
				f := oktafake.New()
				defer f.Close()
				f.AddToken(apiToken)
				u := f.AddUser(oktafake.User{})
				f.AddRole(u, "ORG_ADMIN", false) // listed by /iam/assignees/users
				hs := hostile.New(t, f)
				hs.Mount("GET /api/v1/users/"+u+"/roles", hostile.Static(http.StatusOK, nil, `[`+c.assignment+`]`))
				e := &env{t: t, f: f, settings: map[string]any{"base_url": hs.URL()}, creds: tokenCreds(apiToken)}
				e.fail(capName, map[string]any{"account_id": u}, "invalid_response", "custom role assignment", "irb1")
			})
		}
	}
}

// hostileOutcome checks the answer env to call n of a listing against a
// hostile upstream: a page never ends the listing and goes on (an endless
// attack for 5 calls, another within 5); an error has the attack's code and
// names one of want, never the API token. It returns the page to ask next,
// or true when the walk is over.
func hostileOutcome(t *testing.T, env envelope, n int, code string, want []string, endless bool) (*toolkit.Page, bool) {
	t.Helper()
	is := is.New(t)
	if !env.IsError {
		is.True(env.Page != nil) // a hostile listing never ends normally
		if endless && n == 5 {
			return nil, true
		}
		is.True(n < 5)
		return env.Page, false
	}
	is.Equal(string(env.Error.ErrorCode), code)
	found := false
	for _, m := range want {
		found = found || strings.Contains(env.Error.Message, m)
	}
	if !found {
		t.Errorf("message %q names none of %q", env.Error.Message, want)
	}
	is.True(!strings.Contains(string(env.raw), apiToken))
	return nil, true
}
