package httpclient

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// quota is what the answers of a client's calls said of the upstream's
// rate limit.
type quota struct {
	remaining atomic.Int64 // requests left as the latest answer stating it said, plus one (0: never stated)
	limited   atomic.Bool  // an answer was refused for rate
}

// observe notes the requests left that an answer's headers state.
func (q *quota) observe(h http.Header) {
	if n, ok := remainingOf(h); ok {
		q.remaining.Store(n + 1)
	}
}

// RateLimitRemaining returns how many more requests the upstream's rate
// limit allows, as stated by the latest answer that stated it
// (X-RateLimit-Remaining, X-Rate-Limit-Remaining, RateLimit-Remaining, or
// the smallest remaining count of the RateLimit header), or -1 when no
// answer did. Once an answer was refused for rate (a 429, or a 403 with a
// rate-limit signal), it returns 0 for the rest of the client's life. It
// is meant for pacing (e.g. paginate.Lister.Headroom); answers arriving
// concurrently make "latest" approximate.
func (c *Client) RateLimitRemaining() int {
	if c.quota.limited.Load() {
		return 0
	}
	return int(c.quota.remaining.Load() - 1)
}

// remainingOf reads the requests left from an answer's rate-limit headers.
func remainingOf(h http.Header) (int64, bool) {
	for _, name := range []string{"X-Ratelimit-Remaining", "X-Rate-Limit-Remaining", "Ratelimit-Remaining"} {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				return n, true
			}
		}
	}
	least, found := int64(0), false
	for _, item := range sfItems(h.Values("Ratelimit")) {
		v := item.params["r"]
		if item.key == "remaining" {
			v = item.value
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && (!found || n < least) {
			least, found = n, true
		}
	}
	return least, found
}
