package githubfake_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

func headerInt(t *testing.T, res response, name string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(res.header.Get(name), 10, 64)
	if err != nil {
		t.Fatalf("%s: %q", name, res.header.Get(name))
	}
	return n
}

func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	f := seed(t, githubfake.Options{})
	for _, r := range []req{
		{path: "/user", token: "ghp_owner"},                                    // 200
		{path: "/orgs/nope", token: "ghp_owner"},                               // 404
		{path: "/user", token: "ghp_bad"},                                      // 401
		{method: "DELETE", path: "/orgs/acme/members/bob"},                     // 401 anonymous
		{method: "DELETE", path: "/orgs/acme/members/bob", token: "ghp_owner"}, // 204
	} {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			is := is.New(t)
			res := do(t, f, r)
			for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used"} {
				headerInt(t, res, h)
			}
			is.Equal(res.header.Get("X-RateLimit-Resource"), "core")
			is.True(res.header.Get("X-GitHub-Request-Id") != "")
		})
	}
}

func TestRateLimitCounting(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{RateLimit: 3})
	start := f.Now()
	for i := 1; i <= 3; i++ {
		res := do(t, f, req{path: "/orgs/acme", token: "ghp_owner"})
		is.Equal(res.status, 200)
		is.Equal(headerInt(t, res, "X-RateLimit-Used"), int64(i))
		is.Equal(headerInt(t, res, "X-RateLimit-Remaining"), int64(3-i))
		is.Equal(headerInt(t, res, "X-RateLimit-Limit"), int64(3))
		is.Equal(headerInt(t, res, "X-RateLimit-Reset"), start.Add(time.Hour).Unix())
	}
	// GET /rate_limit does not count and reports the same numbers.
	res := do(t, f, req{path: "/rate_limit", token: "ghp_owner"})
	is.Equal(res.status, 200)
	core := res.object(t)["resources"].(map[string]any)["core"].(map[string]any)
	is.Equal(core["remaining"], 0.0)
	is.Equal(core["used"], 3.0)
	// the 4th counted call is over the limit
	res = do(t, f, req{path: "/orgs/acme", token: "ghp_owner"})
	is.Equal(res.status, 403)
	is.Equal(res.header.Get("X-RateLimit-Remaining"), "0")
	is.True(strings.HasPrefix(res.object(t)["message"].(string), "API rate limit exceeded for user ID "))
	// other principals have their own bucket
	is.Equal(do(t, f, req{path: "/orgs/acme", token: "ghp_alice"}).status, 200)
	// a new window starts at reset
	f.Advance(time.Hour)
	res = do(t, f, req{path: "/orgs/acme", token: "ghp_owner"})
	is.Equal(res.status, 200)
	is.Equal(res.header.Get("X-RateLimit-Remaining"), "2")
}

func TestRateLimitSwitches(t *testing.T) {
	tests := []struct {
		name       string
		set        func(f *githubfake.Fake)
		calls      int // requests affected before it clears by itself (0: stays)
		status     int
		remaining0 bool
		retryAfter string
		message    string
		docSuffix  string
	}{
		{name: "primary 403", set: func(f *githubfake.Fake) { f.SetPrimaryRateLimitExceeded(403) }, status: 403, remaining0: true,
			message: "API rate limit exceeded", docSuffix: "rate-limits-for-the-rest-api"},
		{name: "primary 429", set: func(f *githubfake.Fake) { f.SetPrimaryRateLimitExceeded(429) }, status: 429, remaining0: true,
			message: "API rate limit exceeded", docSuffix: "rate-limits-for-the-rest-api"},
		{name: "secondary 403 with Retry-After", set: func(f *githubfake.Fake) {
			f.SetSecondaryRateLimit(&githubfake.SecondaryRateLimit{RetryAfter: 60 * time.Second, Requests: 2})
		}, calls: 2, status: 403, retryAfter: "60", message: "You have exceeded a secondary rate limit", docSuffix: "#about-secondary-rate-limits"},
		{name: "secondary 429 without Retry-After, content creation", set: func(f *githubfake.Fake) {
			f.SetSecondaryRateLimit(&githubfake.SecondaryRateLimit{Status: 429, ContentCreation: true})
		}, status: 429, message: "You have exceeded a secondary rate limit and have been temporarily blocked from content creation", docSuffix: "#about-secondary-rate-limits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := seed(t, githubfake.Options{})
			tc.set(f)
			n := tc.calls
			if n == 0 {
				n = 3
			}
			for i := 0; i < n; i++ {
				res := do(t, f, req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner", body: map[string]any{"email": "x@example.com"}})
				is.Equal(res.status, tc.status)
				is.Equal(res.header.Get("X-RateLimit-Remaining") == "0", tc.remaining0) // primary vs secondary signal
				is.Equal(res.header.Get("Retry-After"), tc.retryAfter)
				body := res.object(t)
				is.True(strings.HasPrefix(body["message"].(string), tc.message))
				is.True(strings.HasSuffix(body["documentation_url"].(string), tc.docSuffix))
			}
			// GET /rate_limit still answers under a primary limit.
			if tc.remaining0 {
				res := do(t, f, req{path: "/rate_limit", token: "ghp_owner"})
				is.Equal(res.status, 200)
				is.Equal(res.object(t)["rate"].(map[string]any)["remaining"], 0.0)
			}
			if tc.calls > 0 {
				is.Equal(do(t, f, req{path: "/orgs/acme", token: "ghp_owner"}).status, 200) // cleared by itself
			} else {
				f.ResetRateLimits()
				is.Equal(do(t, f, req{path: "/orgs/acme", token: "ghp_owner"}).status, 200) // cleared by reset
			}
		})
	}
}

func TestUnauthenticatedRateLimit(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	res := do(t, f, req{path: "/orgs/acme"})
	is.Equal(res.status, 200)
	is.Equal(res.header.Get("X-RateLimit-Limit"), "60")
	res = do(t, f, req{path: "/orgs/acme", token: "ghp_owner"})
	is.Equal(res.header.Get("X-RateLimit-Limit"), "5000")
}
