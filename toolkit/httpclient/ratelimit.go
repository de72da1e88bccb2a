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
	raWait, raOK := retryAfter(h.Get("Retry-After"), now)
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
	set := func(d time.Duration, rule string) {
		th.known, th.wait, th.rule = true, d, rule
	}
	if raOK {
		set(raWait, ruleRetryAfter)
	} else if th.limited {
		if d, ok := resetIn(xReset, now); ok && (xRem == "0" || xRem == "") {
			set(d, ruleXRateLimit)
		} else if d, ok := resetIn(iReset, now); ok && (iRem == "0" || iRem == "") {
			set(d, ruleIETFReset)
		} else if sExhausted && sOK {
			set(sWait, ruleStructured)
		} else if secondary {
			set(SecondaryRateLimitWait<<min(secondaryHits, 16), ruleSecondary)
		}
	}
	if th.known {
		th.reset = now.Add(th.wait)
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

// maxSeconds keeps parsed waits far from time.Duration's overflow.
const maxSeconds = 1 << 32

func seconds(f float64) time.Duration {
	return time.Duration(min(f, maxSeconds) * float64(time.Second))
}

// retryAfter parses Retry-After: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return seconds(float64(n)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// resetIn parses a reset value: epoch seconds above 10⁹, else seconds from
// now; an HTTP or RFC 3339 date is accepted too.
func resetIn(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && !math.IsInf(f, 0) {
		if f > 1e9 {
			sec, frac := math.Modf(f)
			return max(time.Unix(int64(sec), int64(frac*1e9)).Sub(now), 0), true
		}
		return seconds(f), true
	}
	for _, parse := range []func(string) (time.Time, error){http.ParseTime, func(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }} {
		if t, err := parse(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
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
		if err != nil || t < 0 {
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
		wait, ok = max(wait, seconds(t)), true
	}
	if dict["remaining"] == "0" {
		exhausted = true
		if t, err := strconv.ParseFloat(dict["reset"], 64); err == nil && t >= 0 {
			wait, ok = max(wait, seconds(t)), true
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
