package httpclient

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// rateLimitID is the id the client's rate-limit observations are reported
// under (Options.RateLimitID, else Options.AppID, else the base URL's host).
func rateLimitID(opts Options) string {
	switch {
	case opts.RateLimitID != "":
		return opts.RateLimitID
	case opts.AppID != "":
		return opts.AppID
	}
	if u, err := url.Parse(opts.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "default"
}

// stateOf reads what an answer's headers say of the upstream's rate limit:
// the X-RateLimit-* (or Okta's X-Rate-Limit-*) family, else the IETF
// RateLimit-* fields, else the structured RateLimit and RateLimit-Policy
// headers. ok is false when the answer says nothing of it.
func stateOf(h http.Header, now time.Time) (s toolkit.RateLimitState, ok bool) {
	families := []struct{ source, remaining, limit, reset string }{
		{"X-RateLimit", "X-Ratelimit-Remaining", "X-Ratelimit-Limit", "X-Ratelimit-Reset"},
		{"X-Rate-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Limit", "X-Rate-Limit-Reset"},
		{"RateLimit", "Ratelimit-Remaining", "Ratelimit-Limit", "Ratelimit-Reset"},
	}
	for _, f := range families {
		rem, lim, reset := h.Get(f.remaining), h.Get(f.limit), h.Get(f.reset)
		if rem == "" && lim == "" && reset == "" {
			continue
		}
		s.Remaining, s.Limit = count(rem), count(lim)
		if d, found := resetIn(reset, now); found {
			s.Reset = toolkit.Ptr(d.reset.Unix())
		}
		s.Source = toolkit.Ptr(f.source)
		ok = true
		break
	}
	if w := window(h.Values("Ratelimit-Policy")); w != nil {
		s.WindowSeconds, ok = w, true
	}
	if !ok && len(h.Values("Ratelimit")) > 0 {
		if n, found := remainingOf(h); found && n <= math.MaxInt32 {
			s.Remaining, s.Source, ok = toolkit.Ptr(int(n)), toolkit.Ptr("RateLimit"), true
		}
	}
	return s, ok
}

// count reads a non-negative count, or nil.
func count(v string) *int {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil || n < 0 {
		return nil
	}
	return toolkit.Ptr(int(n))
}

// window reads the shortest policy window (w) of RateLimit-Policy, or nil.
func window(policies []string) *int {
	var out *int
	for _, item := range sfItems(policies) {
		w := count(item.params["w"])
		if w != nil && (out == nil || *w < *out) {
			out = w
		}
	}
	return out
}

// observeAnswer reports an answer's rate-limit headers to the call.
func (c *Client) observeAnswer(h http.Header) {
	if !c.observe {
		return
	}
	if s, ok := stateOf(h, c.now()); ok {
		if s.CurrentDelay == nil {
			s.CurrentDelay = toolkit.Ptr(0)
		}
		toolkit.ObserveRateLimit(c.call, c.rlID, s)
	}
}

// observeDelay reports a wait the client imposes for the rate limit.
func (c *Client) observeDelay(wait time.Duration) {
	if !c.observe {
		return
	}
	secs := int(math.Ceil(wait.Seconds()))
	toolkit.ObserveRateLimit(c.call, c.rlID, toolkit.RateLimitState{CurrentDelay: &secs})
}

// seed is what the caller said of the rate limit before the call (the
// request's rate_limit.last_known_state): a wait before the client's first
// request, when the limit was spent or a delay was in force.
type seed struct {
	once  sync.Once
	until time.Time // zero: no wait
	from  string    // what the wait comes from, for the error message
	err   error
}

// seedFrom applies the call's last known state of the client's rate limit:
// its remaining count becomes RateLimitRemaining's, and a spent limit (0
// remaining, reset ahead) or a current delay becomes a wait before the
// first request. A caller asking to BYPASS gets neither.
func (c *Client) seedFrom(ctx context.Context) {
	s, ok := toolkit.LastKnownRateLimit(ctx, c.rlID)
	if !ok {
		return
	}
	if s.Remaining != nil && *s.Remaining >= 0 {
		c.quota.remaining.Store(int64(*s.Remaining) + 1)
	}
	now := c.now()
	if s.Remaining != nil && *s.Remaining == 0 && s.Reset != nil && *s.Reset > now.Unix() && *s.Reset <= maxEpoch {
		c.seed.until, c.seed.from = time.Unix(*s.Reset, 0), "rate_limit.last_known_state reset"
	}
	if s.CurrentDelay != nil && *s.CurrentDelay > 0 && *s.CurrentDelay <= maxSeconds {
		if t := now.Add(time.Duration(*s.CurrentDelay) * time.Second); t.After(c.seed.until) {
			c.seed.until, c.seed.from = t, "rate_limit.last_known_state current_delay"
		}
	}
}

// waitSeed holds the client's first request back until the seeded wait
// ends; a wait longer than the client may wait (or than the call's
// deadline allows) fails every request with rate_limit instead.
func (c *Client) waitSeed(ctx context.Context) error {
	if c.seed.until.IsZero() {
		return nil
	}
	c.seed.once.Do(func() {
		wait := c.seed.until.Sub(c.now())
		if wait <= 0 {
			return
		}
		allowed := max(c.maxWait, 0)
		if dl, ok := ctx.Deadline(); ok {
			allowed = min(allowed, time.Until(dl))
		}
		if wait > allowed {
			c.seed.err = errs.New(errs.RateLimit, fmt.Sprintf(
				"Rate limited before the first request: the caller's %s asks to wait until %s (%s), longer than this call may wait. Try again after that time.",
				c.seed.from, c.seed.until.UTC().Format(time.RFC3339), wait.Round(time.Second)))
			return
		}
		c.observeDelay(wait)
		c.seed.err = c.sleep(ctx, wait)
	})
	return c.seed.err
}
