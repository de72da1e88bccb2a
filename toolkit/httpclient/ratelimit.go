package httpclient

import (
	"bytes"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The rules that give a wait, named in traces, logs and error messages.
const (
	ruleRetryAfter = "Retry-After"
	ruleXRateLimit = "X-RateLimit-Reset"
	ruleIETFReset  = "RateLimit-Reset"
	ruleStructured = "RateLimit"
	ruleSecondary  = "secondary rate limit"
)

// throttle is what an error answer says about when to try again.
type throttle struct {
	limited bool          // refused for rate: a 429, or a 403 with a rate-limit signal
	known   bool          // the answer gives a wait
	wait    time.Duration // how long to wait, when known
	reset   time.Time     // now + wait
	rule    string        // the signal the wait comes from
}

// parseThrottle reads an error answer's rate-limit signals. In order:
//
//  1. Retry-After, in seconds or as an HTTP date (any status);
//  2. X-RateLimit-Reset (or Okta's X-Rate-Limit-Reset) when the matching
//     Remaining header is 0 or absent;
//  3. RateLimit-Reset when RateLimit-Remaining is 0 or absent;
//  4. the structured RateLimit header ("name";r=0;t=30, or the older
//     remaining=0, reset=30), falling back to the window w of the matching
//     RateLimit-Policy when t is missing;
//  5. for GitHub's secondary limit without any of those, a minute, doubled
//     for each such answer already seen in the call.
//
// Reset values above 10⁹ are epoch seconds (GitHub, Okta, GitLab); smaller
// ones are seconds from now. 2 to 5 apply only to a rate limit: a 429, or a
// 403 carrying Retry-After, a Remaining of 0, a body mentioning a rate
// limit or GitHub's secondary limit.
func parseThrottle(status int, h http.Header, body []byte, now time.Time, secondaryHits int) throttle {
	var th throttle
	lower := bytes.ToLower(body)
	secondary := (status == http.StatusForbidden || status == http.StatusTooManyRequests) &&
		(bytes.Contains(lower, []byte("secondary rate limit")) || bytes.Contains(lower, []byte("secondary-rate-limit")) ||
			bytes.Contains(lower, []byte("abuse detection")) || bytes.Contains(lower, []byte("abuse-rate-limit")))
	ra, raOK := retryAfter(h.Get("Retry-After"), now)
	xRem, xReset := headerOf(h, "X-Ratelimit-Remaining", "X-Rate-Limit-Remaining"), headerOf(h, "X-Ratelimit-Reset", "X-Rate-Limit-Reset")
	iRem, iReset := strings.TrimSpace(h.Get("Ratelimit-Remaining")), h.Get("Ratelimit-Reset")
	sWait, sExhausted, sOK := structured(h.Values("Ratelimit"), h.Values("Ratelimit-Policy"))
	switch status {
	case http.StatusTooManyRequests:
		th.limited = true
	case http.StatusForbidden:
		th.limited = raOK || xRem == "0" || iRem == "0" || sExhausted || secondary ||
			bytes.Contains(lower, []byte("rate limit"))
	}
	set := func(d delay, rule string) {
		if d.reset.Before(now) { // a date already past: try again now, not "after" that date
			d.reset = now
		}
		th.known, th.wait, th.reset, th.rule = true, d.wait, d.reset, rule
	}
	if raOK {
		set(ra, ruleRetryAfter)
	} else if th.limited {
		if d, ok := resetIn(xReset, now); ok && (xRem == "0" || xRem == "") {
			set(d, ruleXRateLimit)
		} else if d, ok := resetIn(iReset, now); ok && (iRem == "0" || iRem == "") {
			set(d, ruleIETFReset)
		} else if sExhausted && sOK {
			set(after(now, sWait), ruleStructured)
		} else if secondary {
			set(after(now, SecondaryRateLimitWait<<min(secondaryHits, 16)), ruleSecondary)
		}
	}
	return th
}

func headerOf(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// maxSeconds is the longest wait, in seconds, a number of seconds may
// ask for (about 136 years); a larger one is not a wait but garbage, and is
// ignored like any unreadable value. It keeps waits far from
// time.Duration's overflow.
const maxSeconds = 1 << 32

// maxEpoch is the last second of year 9999: a later reset time is garbage.
const maxEpoch = 253402300799

// delay is a wait and the time it ends.
type delay struct {
	wait  time.Duration
	reset time.Time
}

// after is the delay of d from now.
func after(now time.Time, d time.Duration) delay { return delay{d, now.Add(d)} }

// until is the delay until t: none for a time already past; a time beyond
// time.Duration's reach keeps its date, with the longest wait.
func until(now, t time.Time) delay {
	return delay{max(t.Sub(now), 0), t}
}

// seconds reads f seconds: false for a negative, infinite, NaN or absurdly
// large value.
func seconds(f float64) (time.Duration, bool) {
	if !(f >= 0 && f <= maxSeconds) {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

// retryAfter parses Retry-After: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (delay, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return delay{}, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		d, ok := seconds(float64(n))
		return after(now, d), ok
	}
	if t, err := http.ParseTime(v); err == nil {
		return until(now, t), true
	}
	return delay{}, false
}

// resetIn parses a reset value: epoch seconds above 10⁹ (up to the end of
// year 9999), else seconds from now; an HTTP or RFC 3339 date is accepted
// too. Negative, infinite, NaN and absurd values are not.
func resetIn(v string, now time.Time) (delay, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return delay{}, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f > 1e9 && f <= maxEpoch {
			sec, frac := math.Modf(f)
			return until(now, time.Unix(int64(sec), int64(frac*1e9))), true
		}
		d, ok := seconds(f)
		return after(now, d), ok && f <= 1e9
	}
	for _, parse := range []func(string) (time.Time, error){http.ParseTime, func(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }} {
		if t, err := parse(v); err == nil {
			return until(now, t), true
		}
	}
	return delay{}, false
}

// structured reads the IETF RateLimit header, in the current form
// (`"policy";r=0;t=30`, one item per policy) or the older dictionary form
// (`limit=100, remaining=0, reset=30`). exhausted reports a policy with no
// requests left; wait is the longest reset among those, taken from the
// policy's window w in RateLimit-Policy when t is missing.
func structured(limits, policies []string) (wait time.Duration, exhausted, ok bool) {
	if len(limits) == 0 {
		return 0, false, false
	}
	windows := map[string]float64{}
	for _, item := range sfItems(policies) {
		if w, err := strconv.ParseFloat(item.params["w"], 64); err == nil && w >= 0 {
			windows[item.name] = w
		}
	}
	dict := map[string]string{}
	for _, item := range sfItems(limits) {
		if item.key != "" {
			dict[item.key] = item.value
			continue
		}
		if item.params["r"] != "0" {
			continue
		}
		exhausted = true
		t, err := strconv.ParseFloat(item.params["t"], 64)
		if err != nil || t < 0 || math.IsNaN(t) {
			var found bool
			if t, found = windows[item.name]; !found && len(windows) == 1 {
				for _, w := range windows {
					t, found = w, true
				}
			}
			if !found {
				continue
			}
		}
		if d, valid := seconds(t); valid {
			wait, ok = max(wait, d), true
		}
	}
	if dict["remaining"] == "0" {
		exhausted = true
		if t, err := strconv.ParseFloat(dict["reset"], 64); err == nil {
			if d, valid := seconds(t); valid {
				wait, ok = max(wait, d), true
			}
		}
	}
	return wait, exhausted, ok
}

// sfItem is one member of a structured-field list: either `name;k=v;…`
// or, in the older dictionary form, `key=value`.
type sfItem struct {
	name       string
	key, value string
	params     map[string]string
}

// sfItems splits header values into list members, honouring quotes. It is
// lenient: what it cannot read it skips.
func sfItems(values []string) []sfItem {
	var out []sfItem
	for _, v := range values {
		for _, member := range splitQuoted(v, ',') {
			parts := splitQuoted(member, ';')
			head := strings.TrimSpace(parts[0])
			if head == "" {
				continue
			}
			it := sfItem{params: map[string]string{}}
			if k, val, found := strings.Cut(head, "="); found && !strings.HasPrefix(head, `"`) {
				it.key, it.value = strings.ToLower(strings.TrimSpace(k)), unquote(val)
			} else {
				it.name = unquote(head)
			}
			for _, p := range parts[1:] {
				k, val, _ := strings.Cut(p, "=")
				it.params[strings.ToLower(strings.TrimSpace(k))] = unquote(val)
			}
			out = append(out, it)
		}
	}
	return out
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s[1 : len(s)-1]
	}
	return s
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s string, sep byte) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
