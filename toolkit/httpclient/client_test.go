package httpclient_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

const (
	secondaryBody = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	primaryBody   = `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`
	okBody        = `{"ok":true}`
)

func epoch(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }

func TestRetriesAndRateLimits(t *testing.T) {
	t.Parallel()
	ok := reply{body: okBody}
	tests := []struct {
		name     string
		method   string
		replies  []reply
		attempts int
		waits    []time.Duration // exact waits; nil when backoff ranges are given
		backoff  [][2]time.Duration
		code     errs.ErrorCode // "" for success
		status   int
		message  []string // substrings of the described message
	}{
		{name: "429 Retry-After seconds", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "7"}}, ok},
			attempts: 2, waits: []time.Duration{7 * time.Second}},
		{name: "503 Retry-After HTTP date", replies: []reply{{status: 503, header: map[string]string{"Retry-After": t0.Add(30 * time.Second).Format(http.TimeFormat)}}, ok},
			attempts: 2, waits: []time.Duration{30 * time.Second}},
		{name: "GitHub primary 403", replies: []reply{{status: 403, body: primaryBody, header: map[string]string{
			"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000", "X-RateLimit-Reset": epoch(45 * time.Second), "X-RateLimit-Resource": "core"}}, ok},
			attempts: 2, waits: []time.Duration{45 * time.Second}},
		{name: "GitHub primary 429", replies: []reply{{status: 429, body: primaryBody, header: map[string]string{
			"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch(50 * time.Second)}}, ok},
			attempts: 2, waits: []time.Duration{50 * time.Second}},
		{name: "GitHub secondary 403 with Retry-After", replies: []reply{{status: 403, body: secondaryBody, header: map[string]string{"Retry-After": "20"}}, ok},
			attempts: 2, waits: []time.Duration{20 * time.Second}},
		{name: "GitHub secondary 403 without Retry-After waits a minute, then twice that is too long",
			replies:  []reply{{status: 403, body: secondaryBody}, {status: 403, body: secondaryBody}},
			attempts: 2, waits: []time.Duration{time.Minute}, code: errs.RateLimit, status: 403,
			message: []string{"Rate limited by the API: GET ", "answered 403", "until 2026-01-01T12:03:00Z", "2m0s, from secondary rate limit", "LUMOS_MAX_RATE_LIMIT_WAIT", "Upstream said: {\"message\":\"You have exceeded a secondary rate limit."}},
		{name: "Okta X-Rate-Limit-Reset", replies: []reply{{status: 429, header: map[string]string{"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": epoch(5 * time.Second)}}, ok},
			attempts: 2, waits: []time.Duration{5 * time.Second}},
		{name: "X-RateLimit-Reset in seconds from now", replies: []reply{{status: 429, header: map[string]string{"X-RateLimit-Reset": "8"}}, ok},
			attempts: 2, waits: []time.Duration{8 * time.Second}},
		{name: "IETF RateLimit-Reset", replies: []reply{{status: 429, header: map[string]string{"RateLimit-Limit": "100", "RateLimit-Remaining": "0", "RateLimit-Reset": "12"}}, ok},
			attempts: 2, waits: []time.Duration{12 * time.Second}},
		{name: "IETF RateLimit structured", replies: []reply{{status: 429, header: map[string]string{"RateLimit": `"default";r=0;t=9`, "RateLimit-Policy": `"default";q=100;w=60`}}, ok},
			attempts: 2, waits: []time.Duration{9 * time.Second}},
		{name: "IETF RateLimit structured without t uses the policy window", replies: []reply{{status: 429, header: map[string]string{"RateLimit": `"burst";r=5, "day";r=0`, "RateLimit-Policy": `"burst";q=10;w=1, "day";q=1000;w=40`}}, ok},
			attempts: 2, waits: []time.Duration{40 * time.Second}},
		{name: "IETF RateLimit older dictionary form", replies: []reply{{status: 429, header: map[string]string{"RateLimit": "limit=100, remaining=0, reset=3"}}, ok},
			attempts: 2, waits: []time.Duration{3 * time.Second}},
		{name: "502, 503, 504 then success", replies: []reply{{status: 502}, {status: 503}, {status: 504}, ok},
			attempts: 4, backoff: [][2]time.Duration{{250 * time.Millisecond, 500 * time.Millisecond}, {500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}}},
		{name: "503 until the attempts run out", replies: []reply{{status: 503, body: "upstream down"}},
			attempts: 4, backoff: [][2]time.Duration{{250 * time.Millisecond, 500 * time.Millisecond}, {500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}},
			code: errs.BadGateway, status: 503, message: []string{"[503][http://", "/x] upstream down"}},
		{name: "429 until the attempts run out", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "1"}, body: "slow down"}},
			attempts: 4, waits: []time.Duration{time.Second, time.Second, time.Second}, code: errs.RateLimit, status: 429,
			message: []string{"still answered 429 after 4 attempts", "until 2026-01-01T12:00:04Z (from Retry-After)", "Upstream said: slow down"}},
		{name: "429 without any header backs off", replies: []reply{{status: 429}, ok},
			attempts: 2, backoff: [][2]time.Duration{{250 * time.Millisecond, 500 * time.Millisecond}}},
		{name: "wait beyond the cap fails at once", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "3600"}, body: `{"error":"too many"}`}},
			attempts: 1, waits: []time.Duration{}, code: errs.RateLimit, status: 429,
			message: []string{"asks to wait until 2026-01-01T13:00:00Z (1h0m0s, from Retry-After), longer than the 1m0s this connector may wait", `Upstream said: {"error":"too many"}`}},
		{name: "GitHub primary reset beyond the cap", replies: []reply{{status: 403, body: primaryBody, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch(59 * time.Minute)}}},
			attempts: 1, waits: []time.Duration{}, code: errs.RateLimit, status: 403,
			message: []string{"until 2026-01-01T12:59:00Z (59m0s, from X-RateLimit-Reset)", "API rate limit exceeded"}},
		{name: "503 with a far Retry-After keeps its own code", replies: []reply{{status: 503, header: map[string]string{"Retry-After": "600"}}},
			attempts: 1, waits: []time.Duration{}, code: errs.BadGateway, status: 503,
			message: []string{"The API is unavailable", "until 2026-01-01T12:10:00Z"}},
		{name: "403 without a rate-limit signal is final", replies: []reply{{status: 403, body: `{"message":"Resource not accessible by integration"}`}},
			attempts: 1, waits: []time.Duration{}, code: errs.PermissionDenied, status: 403, message: []string{"Resource not accessible"}},
		{name: "404 is final", replies: []reply{{status: 404, body: `{"message":"Not Found"}`}},
			attempts: 1, waits: []time.Duration{}, code: errs.NotFound, status: 404, message: []string{`/x] {"message":"Not Found"}`}},
		{name: "500 is final", replies: []reply{{status: 500}}, attempts: 1, waits: []time.Duration{}, code: errs.APIError, status: 500},
		{name: "POST not retried after the server saw it", method: "POST", replies: []reply{{status: 503, body: "busy"}, ok},
			attempts: 1, waits: []time.Duration{}, code: errs.BadGateway, status: 503},
		{name: "POST not retried when the connection drops after sending", method: "POST", replies: []reply{{hangUp: true}, ok},
			attempts: 1, waits: []time.Duration{}, code: errs.APIError, message: []string{"connection to the API broke during POST"}},
		{name: "GET retried when the connection drops", replies: []reply{{hangUp: true}, ok},
			attempts: 2, backoff: [][2]time.Duration{{250 * time.Millisecond, 500 * time.Millisecond}}},
		{name: "POST retried after a 429", method: "POST", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "2"}}, {status: 201, body: okBody}},
			attempts: 2, waits: []time.Duration{2 * time.Second}},
		{name: "POST retried after a GitHub secondary limit", method: "POST", replies: []reply{{status: 403, body: secondaryBody, header: map[string]string{"Retry-After": "4"}}, {status: 201, body: okBody}},
			attempts: 2, waits: []time.Duration{4 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			s, srv := serve(t, tt.replies...)
			clock := newClock()
			opts := clock.options(srv.URL)
			opts.RetryWaitMin = 500 * time.Millisecond
			c := httpclient.New(context.Background(), opts)
			method := tt.method
			if method == "" {
				method = "GET"
			}
			var out map[string]any
			var in any
			if method == "POST" {
				in = map[string]string{"login": "octocat"}
			}
			_, err := c.DoJSON(context.Background(), method, "/x", in, &out)
			is.Equal(int(s.hits.Load()), tt.attempts) // attempts
			waits := clock.Waits()
			if tt.waits != nil {
				is.Equal(len(waits), len(tt.waits))
				for i := range tt.waits {
					is.Equal(waits[i], tt.waits[i]) // recorded wait
				}
			}
			if tt.backoff != nil {
				is.Equal(len(waits), len(tt.backoff))
				for i, b := range tt.backoff {
					is.True(waits[i] >= b[0] && waits[i] <= b[1]) // backoff within its jitter range
				}
			}
			if method == "POST" {
				for _, b := range s.Bodies() {
					is.Equal(b, `{"login":"octocat"}`) // the body is sent again on each attempt
				}
			}
			if tt.code == "" {
				is.NoErr(err)
				is.Equal(out["ok"], true)
				return
			}
			is.True(err != nil)
			d := errs.Describe(err, rules)
			is.Equal(d.Code, tt.code)
			is.Equal(d.StatusCode, tt.status)
			for _, m := range tt.message {
				is.True(strings.Contains(d.Message, m)) // message names the reset time and upstream's answer
			}
			if tt.status != 0 {
				is.Equal(httpclient.StatusOf(err), tt.status)
				var he *errs.HTTPStatusError
				is.True(errors.As(err, &he))
				is.Equal(he.Method, method)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST", "PATCH"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			clock := newClock()
			c := httpclient.New(context.Background(), clock.options("http://"+closedPort(t)))
			_, err := c.DoJSON(context.Background(), method, "/x?access_token=s3cr3t-value", map[string]int{"a": 1}, nil)
			is.True(err != nil)
			is.Equal(len(clock.Waits()), 3) // 4 attempts: a refused connection never reached the server
			d := errs.Describe(err, rules)
			is.Equal(d.Code, errs.APIError)
			is.Equal(d.Message, errs.MessageConnectFailed)
			is.True(!strings.Contains(err.Error(), "s3cr3t")) // the query's secret is masked
			is.True(strings.Contains(err.Error(), "gave up after 4 attempts"))
		})
	}
}

// TestPostRetriedOnConnectionRefused starts the server while the client
// waits after a refused connection: the POST, which never reached anyone,
// is sent again, body and all.
func TestPostRetriedOnConnectionRefused(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	addr := closedPort(t)
	s := &script{replies: []reply{{status: 201, body: okBody}}}
	srv := httptest.NewUnstartedServer(s)
	t.Cleanup(srv.Close)
	clock := newClock()
	clock.onWait = func(n int) {
		if n == 1 {
			l, err := net.Listen("tcp", addr)
			if err != nil {
				t.Error(err) // the port was taken meanwhile
				return
			}
			srv.Listener = l
			srv.Start()
		}
	}
	c := httpclient.New(context.Background(), clock.options("http://"+addr))
	var out map[string]any
	resp, err := c.PostJSON(context.Background(), "/orgs/acme/invitations", map[string]string{"email": "a@example.com"}, &out)
	is.NoErr(err)
	is.Equal(resp.StatusCode, 201)
	is.Equal(len(clock.Waits()), 1)
	is.Equal(int(s.hits.Load()), 1)
	is.Equal(s.Bodies()[0], `{"email":"a@example.com"}`)
}

func TestEnvCapAndDeadline(t *testing.T) {
	// not parallel: it sets the environment
	is := is.New(t)
	limited := func() string {
		_, srv := serve(t, reply{status: 429, header: map[string]string{"Retry-After": "30"}}, reply{body: okBody})
		return srv.URL
	}

	t.Setenv(httpclient.EnvMaxRateLimitWait, "10s")
	clock := newClock()
	_, err := httpclient.New(context.Background(), clock.options(limited())).GetJSON(context.Background(), "/x", nil)
	d := errs.Describe(err, nil)
	is.Equal(d.Code, errs.RateLimit)
	is.True(strings.Contains(d.Message, "longer than the 10s this connector may wait"))
	is.Equal(len(clock.Waits()), 0)

	t.Setenv(httpclient.EnvMaxRateLimitWait, "0")
	clock = newClock()
	_, err = httpclient.New(context.Background(), clock.options(limited())).GetJSON(context.Background(), "/x", nil)
	is.True(strings.Contains(errs.Describe(err, nil).Message, "forbids waiting"))

	t.Setenv(httpclient.EnvMaxRateLimitWait, "2m") // beats Options.MaxRateLimitWait
	clock = newClock()
	opts := clock.options(limited())
	opts.MaxRateLimitWait = time.Second
	_, err = httpclient.New(context.Background(), opts).GetJSON(context.Background(), "/x", nil)
	is.NoErr(err)
	is.Equal(clock.Waits(), []time.Duration{30 * time.Second})

	t.Setenv(httpclient.EnvMaxRateLimitWait, "")
	clock = newClock()
	opts = clock.options(limited())
	opts.MaxRateLimitWait = time.Second
	_, err = httpclient.New(context.Background(), opts).GetJSON(context.Background(), "/x", nil)
	is.True(strings.Contains(errs.Describe(err, nil).Message, "longer than the 1s this connector may wait"))

	clock = newClock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = httpclient.New(ctx, clock.options(limited())).GetJSON(ctx, "/x", nil)
	d = errs.Describe(err, nil)
	is.Equal(d.Code, errs.RateLimit)
	is.True(strings.Contains(d.Message, "longer than the time left before the call's deadline"))
}

func TestHeadersAndAuth(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s, srv := serve(t, reply{status: 401, body: `{"message":"Bad credentials"}`, header: map[string]string{"Set-Cookie": "session=abc", "X-GitHub-Request-Id": "1"}})
	c := httpclient.New(context.Background(), httpclient.Options{
		AppID: "github", BaseURL: srv.URL + "/api/v3/", Auth: httpclient.Bearer("ghp_secret_token"),
		Header: http.Header{"Accept": {"application/vnd.github+json"}, "X-Github-Api-Version": {"2022-11-28"}},
	})
	_, err := c.GetJSON(context.Background(), "orgs/acme", nil)
	h := s.Header(0)
	is.Equal(h.Get("Authorization"), "Bearer ghp_secret_token")
	is.Equal(h.Get("Accept"), "application/vnd.github+json")
	is.Equal(h.Get("X-GitHub-Api-Version"), "2022-11-28")
	is.True(strings.HasPrefix(h.Get("User-Agent"), "lumos/"))
	is.True(strings.HasSuffix(h.Get("User-Agent"), " (github)"))
	var he *errs.HTTPStatusError
	is.True(errors.As(err, &he))
	is.Equal(he.URL, srv.URL+"/api/v3/orgs/acme")
	is.Equal(he.Header["X-Github-Request-Id"], []string{"1"})
	is.Equal(he.Header["Set-Cookie"], nil) // credentials never reach the error
	is.True(!strings.Contains(err.Error(), "ghp_secret_token"))
	is.Equal(errs.Describe(err, rules).Code, errs.Unauthorized)

	for _, auth := range []struct {
		auth httpclient.Auth
		key  string
		want string
	}{
		{httpclient.Basic("user", "pass"), "Authorization", "Basic dXNlcjpwYXNz"},
		{httpclient.APIKey("x-api-key", "k1"), "X-Api-Key", "k1"},
		{httpclient.AuthFunc(func(r *http.Request) error { r.Header.Set("X-Sig", r.Method); return nil }), "X-Sig", "GET"},
	} {
		s, srv := serve(t, reply{body: okBody})
		_, err := httpclient.New(context.Background(), httpclient.Options{BaseURL: srv.URL, Auth: auth.auth}).GetJSON(context.Background(), "/", nil)
		is.NoErr(err)
		is.Equal(s.Header(0).Get(auth.key), auth.want)
	}
}

func TestRedirectKeepsCredentialsHome(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	elsewhere, other := serve(t, reply{body: okBody})
	_, home := serve(t, reply{status: http.StatusFound, header: map[string]string{"Location": other.URL + "/file"}})
	for _, auth := range []httpclient.Auth{httpclient.APIKey("X-Api-Key", "k-secret"), httpclient.Bearer("b-secret")} {
		_, err := httpclient.New(context.Background(), httpclient.Options{BaseURL: home.URL, Auth: auth}).GetJSON(context.Background(), "/download", nil)
		is.NoErr(err)
	}
	is.Equal(int(elsewhere.hits.Load()), 2)
	for i := range 2 {
		is.Equal(elsewhere.Header(i).Get("X-Api-Key"), "")
		is.Equal(elsewhere.Header(i).Get("Authorization"), "")
	}
}

func TestUserAgentVersion(t *testing.T) {
	// not parallel: it sets a package variable
	is := is.New(t)
	old := httpclient.Version
	httpclient.Version = "1.2.3"
	t.Cleanup(func() { httpclient.Version = old })
	s, srv := serve(t, reply{body: okBody})
	_, err := httpclient.New(context.Background(), httpclient.Options{AppID: "okta", BaseURL: srv.URL}).GetJSON(context.Background(), "/", nil)
	is.NoErr(err)
	is.Equal(s.Header(0).Get("User-Agent"), "lumos/1.2.3 (okta)")
	is.Equal(s.Header(0).Get("Accept"), "application/json")
}

func TestURLs(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s, srv := serve(t, reply{body: okBody})
	c := httpclient.New(context.Background(), httpclient.Options{BaseURL: srv.URL + "/api", Auth: httpclient.Bearer("t")})

	// An absolute URL on the base URL's host is used as given.
	r, err := c.GetJSON(context.Background(), srv.URL+"/repositories/1/issues?page=2", nil)
	is.NoErr(err)
	is.Equal(r.URL.String(), srv.URL+"/repositories/1/issues?page=2")
	is.Equal(int(s.hits.Load()), 1)

	// Another host never gets the credentials.
	_, err = c.GetJSON(context.Background(), "https://evil.example/steal", nil)
	is.Equal(errs.Describe(err, nil).Code, errs.InvalidValue)
	req, _ := http.NewRequest("GET", "http://evil.example/steal", nil)
	_, err = c.Do(req)
	is.Equal(errs.Describe(err, nil).Code, errs.InvalidValue)
	is.Equal(int(s.hits.Load()), 1)

	u, err := c.URL("?q=1")
	is.NoErr(err)
	is.Equal(u, srv.URL+"/api?q=1")
	_, err = httpclient.New(context.Background(), httpclient.Options{BaseURL: "not a url"}).GetJSON(context.Background(), "/x", nil)
	is.Equal(errs.Describe(err, nil).Code, errs.InvalidValue)
	_, err = httpclient.New(context.Background(), httpclient.Options{}).GetJSON(context.Background(), "/x", nil)
	is.Equal(errs.Describe(err, nil).Code, errs.InvalidValue)
}

func TestDo(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s, srv := serve(t, reply{status: 502}, reply{status: 204})
	clock := newClock()
	c := httpclient.New(context.Background(), clock.options(srv.URL))
	req, err := c.NewRequest(context.Background(), "PUT", "/orgs/acme/memberships/octocat", strings.NewReader(`{"role":"admin"}`))
	is.NoErr(err)
	resp, err := c.Do(req)
	is.NoErr(err)
	resp.Body.Close()
	is.Equal(resp.StatusCode, 204)
	is.Equal(int(s.hits.Load()), 2)
	is.Equal(s.Bodies(), []string{`{"role":"admin"}`, `{"role":"admin"}`}) // PUT is idempotent: retried with its body
	is.Equal(req.Header.Get("User-Agent"), "")                             // the caller's request is left alone

	// The other verbs.
	s, srv = serve(t, reply{status: 200, body: okBody})
	c = httpclient.New(context.Background(), clock.options(srv.URL))
	_, err = c.PatchJSON(context.Background(), "/p", map[string]int{"a": 1}, nil)
	is.NoErr(err)
	_, err = c.PutJSON(context.Background(), "/p", nil, nil)
	is.NoErr(err)
	r, err := c.Delete(context.Background(), "/p")
	is.NoErr(err)
	is.Equal(r.StatusCode, 200)
	is.Equal(s.Bodies(), []string{`{"a":1}`, "", ""})

	// A POST marked idempotent (a GraphQL query) is retried like a GET.
	s, srv = serve(t, reply{status: 503}, reply{body: okBody})
	c = httpclient.New(context.Background(), clock.options(srv.URL))
	var out map[string]any
	_, err = c.PostJSON(httpclient.WithIdempotent(context.Background()), "/graphql", map[string]string{"query": "{viewer{login}}"}, &out)
	is.NoErr(err)
	is.Equal(int(s.hits.Load()), 2)

	// So is one carrying an Idempotency-Key.
	s, srv = serve(t, reply{status: 503}, reply{body: okBody})
	c = httpclient.New(context.Background(), clock.options(srv.URL))
	req, _ = c.NewRequest(context.Background(), "POST", "/x", strings.NewReader("{}"))
	req.Header.Set("Idempotency-Key", "k-1")
	resp, err = c.Do(req)
	is.NoErr(err)
	resp.Body.Close()
	is.Equal(int(s.hits.Load()), 2)
}

func TestBadJSON(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	_, srv := serve(t, reply{body: `{"oops"`})
	var out map[string]any
	_, err := httpclient.New(context.Background(), httpclient.Options{BaseURL: srv.URL}).GetJSON(context.Background(), "/", &out)
	d := errs.Describe(err, nil)
	is.Equal(d.Code, errs.APIError)
	is.True(strings.HasPrefix(d.Message, "Failed to parse JSON response: "))
}

func TestCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s, srv := serve(t, reply{status: 503, header: map[string]string{"Retry-After": "5"}}, reply{body: okBody})
	ctx, cancel := context.WithCancel(context.Background())
	clock := newClock()
	clock.onWait = func(int) { cancel() }
	_, err := httpclient.New(ctx, clock.options(srv.URL)).GetJSON(ctx, "/", nil)
	is.True(errors.Is(err, context.Canceled))
	is.Equal(int(s.hits.Load()), 1)
	is.Equal(errs.Describe(err, nil).Code, errs.UnexpectedError)
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	for in, want := range map[string]string{
		"https://h/x":                                      "https://h/x",
		"https://h/x?page=2&per_page=100":                  "https://h/x?page=2&per_page=100",
		"https://h/x?access_token=abc&page=2":              "https://h/x?access_token=REDACTED&page=2",
		"https://h/x?key=k&sig=s&X-Amz-Signature=z&q=1":    "https://h/x?key=REDACTED&sig=REDACTED&X-Amz-Signature=REDACTED&q=1",
		"https://h/x?client_secret=a&pageToken=p&cursor=c": "https://h/x?client_secret=REDACTED&pageToken=p&cursor=c",
		"https://user:pw@h/x":                              "https://user@h/x",
		"https://h/x?my_refresh_token=a#frag":              "https://h/x?my_refresh_token=REDACTED",
	} {
		is.Equal(httpclient.RedactURL(in), want)
	}
}
