package httpclient

import (
	"bytes"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// fuzzNow is the fuzz targets' clock.
var fuzzNow = time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)

// fuzzStatuses are the statuses a fuzzed answer picks from.
var fuzzStatuses = []int{http.StatusTooManyRequests, http.StatusForbidden, http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusOK}

// checkDelay asserts what holds of every wait read from an answer: it is
// not negative, it ends at reset unless it is the longest time.Duration
// (a reset beyond its reach), and reset is not before now.
func checkDelay(t *testing.T, what string, wait time.Duration, reset time.Time) {
	t.Helper()
	if wait < 0 {
		t.Fatalf("%s: negative wait %s", what, wait)
	}
	if reset.Before(fuzzNow) {
		t.Fatalf("%s: retry time %s is before now (%s)", what, reset, fuzzNow)
	}
	if end := fuzzNow.Add(wait); !end.Equal(reset) && !(wait == math.MaxInt64 && reset.After(end)) {
		t.Fatalf("%s: wait %s from now ends at %s, not at the retry time %s", what, wait, end, reset)
	}
}

// checkLimited asserts which answers read as a rate limit: a 429 always,
// a 403 only with a signal, nothing else.
func checkLimited(t *testing.T, status int, h http.Header, body []byte, th throttle) {
	t.Helper()
	if status == http.StatusTooManyRequests && !th.limited ||
		status != http.StatusTooManyRequests && status != http.StatusForbidden && th.limited {
		t.Fatalf("status %d read as limited=%v", status, th.limited)
	}
	lower := bytes.ToLower(body)
	if status == http.StatusForbidden && len(h) == 0 && !bytes.Contains(lower, []byte("rate")) && !bytes.Contains(lower, []byte("abuse")) && th.limited {
		t.Fatalf("a plain 403 (body %q) read as a rate limit", body)
	}
}

// FuzzParseThrottle reads any error answer's rate-limit headers and body:
// only a 429 or a 403 is a rate limit (a 429 always), a known wait is
// consistent with its retry time (never before now), comes from one of
// the documented rules, and Retry-After wins whenever it is readable.
func FuzzParseThrottle(f *testing.F) {
	type seed struct {
		status                                                uint8
		retryAfter, xRem, xReset, iRem, iReset, rl, pol, body string
		hits, okta                                            uint8
	}
	for _, s := range []seed{
		{status: 0, retryAfter: "30"},
		{status: 0, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"},
		{status: 0, retryAfter: "Thu, 03 Dec 2026 02:10:00 GMT"},
		{status: 0, retryAfter: "Fri, 31 Dec 9999 23:59:59 GMT"},
		{status: 2, retryAfter: "120"},
		{status: 3, retryAfter: "-5"},
		{status: 0, retryAfter: "99999999999999999999"},
		{status: 0, retryAfter: " 4294967296 "},
		{status: 1, xRem: "0", xReset: "1796263200", body: `{"message":"API rate limit exceeded for user ID 1."}`},
		{status: 1, xRem: "0", xReset: "1000000000"},
		{status: 0, xRem: "0", xReset: "1796263200.75", okta: 1},
		{status: 0, xReset: "253402300799"},
		{status: 0, xReset: "2026-12-03T02:05:00+01:00"},
		{status: 0, xReset: "NaN"},
		{status: 0, xReset: "-Inf"},
		{status: 0, iRem: "0", iReset: "45"},
		{status: 0, iReset: "1e9"},
		{status: 0, rl: `"default";r=0;t=30`, pol: `"default";q=100;w=60`},
		{status: 0, rl: `"burst";r=0, "daily";r=5;t=3600`, pol: `"burst";q=10;w=1, "daily";q=1000;w=86400`},
		{status: 0, rl: `limit=100, remaining=0, reset=30`},
		{status: 0, rl: `"a\";b";r=0;t=1e308`, pol: `"a\";b";w=Inf`},
		{status: 1, body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`, hits: 3},
		{status: 1, body: `{"documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`, hits: 200},
		{status: 1, body: `{"message":"Must have admin rights to Repository."}`},
	} {
		f.Add(s.status, s.retryAfter, s.xRem, s.xReset, s.iRem, s.iReset, s.rl, s.pol, []byte(s.body), s.hits, s.okta)
	}
	f.Fuzz(func(t *testing.T, st uint8, retry, xRem, xReset, iRem, iReset, rl, pol string, body []byte, hits, okta uint8) {
		status := fuzzStatuses[int(st)%len(fuzzStatuses)]
		h := http.Header{}
		x := "X-Ratelimit-"
		if okta%2 == 1 {
			x = "X-Rate-Limit-"
		}
		for name, v := range map[string]string{"Retry-After": retry, x + "Remaining": xRem, x + "Reset": xReset,
			"Ratelimit-Remaining": iRem, "Ratelimit-Reset": iReset, "Ratelimit": rl, "Ratelimit-Policy": pol} {
			if v != "" {
				h.Set(name, v)
			}
		}
		th := parseThrottle(status, h, body, fuzzNow, int(hits))
		checkLimited(t, status, h, body, th)
		_, raOK := retryAfter(retry, fuzzNow)
		if raOK != (th.rule == ruleRetryAfter) {
			t.Fatalf("Retry-After %q readable=%v but the rule is %q", retry, raOK, th.rule)
		}
		if !th.known {
			if th.wait != 0 || !th.reset.IsZero() || th.rule != "" {
				t.Fatalf("no known wait, yet %+v", th)
			}
			return
		}
		if !th.limited && th.rule != ruleRetryAfter {
			t.Fatalf("status %d is no rate limit, yet its wait comes from %q", status, th.rule)
		}
		checkDelay(t, "parseThrottle", th.wait, th.reset)
		switch th.rule {
		case ruleRetryAfter, ruleXRateLimit, ruleIETFReset:
		case ruleStructured:
			if th.wait > maxSeconds*time.Second {
				t.Fatalf("structured RateLimit %q / %q gives a wait of %s, above %d s", rl, pol, th.wait, maxSeconds)
			}
		case ruleSecondary:
			if want := SecondaryRateLimitWait << min(int(hits), 16); th.wait != want {
				t.Fatalf("secondary limit after %d hits waits %s, want %s", hits, th.wait, want)
			}
		default:
			t.Fatalf("unknown rule %q", th.rule)
		}
	})
}

// FuzzRetryAfter reads any Retry-After value: whole seconds from 0 to
// maxSeconds give exactly that wait, an HTTP date a wait to that date
// (none for a date already past), and nothing else is readable.
func FuzzRetryAfter(f *testing.F) {
	for _, seed := range []string{"0", "120", " 7 ", "+3", "-1", "1.5", "4294967296", "4294967297", "9223372036854775807",
		"99999999999999999999", "Thu, 03 Dec 2026 02:10:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
		"Thursday, 03-Dec-26 02:10:00 GMT", "Thu Dec  3 02:10:00 2026", "Thu, 03 Dec 2026 02:10:00 +0100", "soon", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := retryAfter(v, fuzzNow)
		if !ok {
			if d.wait != 0 {
				t.Fatalf("unreadable %q, yet a wait of %s", v, d.wait)
			}
			return
		}
		if d.wait < 0 {
			t.Fatalf("%q gives a negative wait %s", v, d.wait)
		}
		trimmed := strings.TrimSpace(v)
		if digits := strings.TrimLeft(trimmed, "+-"); len(trimmed)-len(digits) <= 1 && strings.Trim(digits, "0123456789") == "" { // seconds (a sign is tolerated)
			if d.wait > maxSeconds*time.Second || d.wait%time.Second != 0 || !d.reset.Equal(fuzzNow.Add(d.wait)) {
				t.Fatalf("%q gives a wait of %s until %s", v, d.wait, d.reset)
			}
			return
		}
		date, err := http.ParseTime(trimmed)
		if err != nil || !d.reset.Equal(date) {
			t.Fatalf("%q read as a date %s, but http.ParseTime gives %s, %v", v, d.reset, date, err)
		}
		if want := max(date.Sub(fuzzNow), 0); d.wait != want {
			t.Fatalf("%q gives a wait of %s, want %s", v, d.wait, want)
		}
	})
}

// TestParseThrottleRetryTime: a wait is never announced as ending before
// now. An answer naming a time already past (clock skew, a stale reset)
// asks to retry at once, not "after" that past time (found by
// FuzzParseThrottle).
func TestParseThrottleRetryTime(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header http.Header
		wait   time.Duration
		reset  time.Time
		rule   string
	}{
		{"Retry-After date already past", http.StatusTooManyRequests,
			http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}}, 0, fuzzNow, ruleRetryAfter},
		{"X-RateLimit-Reset epoch already past", http.StatusForbidden,
			http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1700000000"}}, 0, fuzzNow, ruleXRateLimit},
		{"reset as an RFC 3339 date already past in its own zone", http.StatusTooManyRequests,
			http.Header{"X-Ratelimit-Reset": {"2026-12-03T02:05:00+01:00"}}, 0, fuzzNow, ruleXRateLimit},
		{"Retry-After date ahead", http.StatusServiceUnavailable,
			http.Header{"Retry-After": {"Thu, 03 Dec 2026 02:10:00 GMT"}}, 10 * time.Minute, fuzzNow.Add(10 * time.Minute), ruleRetryAfter},
		{"reset epoch ahead", http.StatusTooManyRequests,
			http.Header{"X-Rate-Limit-Reset": {"1796263230"}}, 30 * time.Second, time.Unix(1796263230, 0), ruleXRateLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			th := parseThrottle(tt.status, tt.header, nil, fuzzNow, 0)
			is.True(th.known)
			is.Equal(th.rule, tt.rule)
			is.Equal(th.wait, tt.wait)
			is.True(th.reset.Equal(tt.reset))
		})
	}
}

// FuzzStateOf reads any rate-limit headers of an answer as the state the
// newer protocol reports: counts and windows are never negative and fit an
// int32, the source is one of the header families, and an answer without
// any signal reports nothing.
func FuzzStateOf(f *testing.F) {
	for _, s := range [][6]string{
		{"4999", "5000", "1796263200", "", "", ""},
		{"", "", "", "0", "100", "30"},
		{"-1", "99999999999", "NaN", "", "", ""},
		{"", "", "", "", `"default";r=0;t=30`, `"default";q=100;w=60`},
		{"", "", "", "", `limit=100, remaining=0, reset=30`, `"a";w=-5, "b";w=2147483648`},
		{"1e3", " 7 ", "2026-12-03T02:05:00+01:00", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], uint8(0))
	}
	f.Fuzz(func(t *testing.T, rem, lim, reset, iRem, rl, pol string, okta uint8) {
		h := http.Header{}
		x := "X-Ratelimit-"
		if okta%2 == 1 {
			x = "X-Rate-Limit-"
		}
		for name, v := range map[string]string{x + "Remaining": rem, x + "Limit": lim, x + "Reset": reset,
			"Ratelimit-Remaining": iRem, "Ratelimit": rl, "Ratelimit-Policy": pol} {
			if v != "" {
				h.Set(name, v)
			}
		}
		s, ok := stateOf(h, fuzzNow)
		if !ok {
			if s != (toolkit.RateLimitState{}) {
				t.Fatalf("no state, yet %+v", s)
			}
			return
		}
		for _, n := range []*int{s.Remaining, s.Limit, s.WindowSeconds} {
			if n != nil && (*n < 0 || *n > math.MaxInt32) {
				t.Fatalf("headers %v give the count %d", h, *n)
			}
		}
		if s.Source != nil && *s.Source != "X-RateLimit" && *s.Source != "X-Rate-Limit" && *s.Source != "RateLimit" {
			t.Fatalf("headers %v give the source %q", h, *s.Source)
		}
		if s.Reset != nil && s.Source == nil {
			t.Fatalf("headers %v give a reset without a source", h)
		}
	})
}
