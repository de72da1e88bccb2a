package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/lumosgo/lumos/errs"
)

type stateKey struct{}

type idempotentKey struct{}

// WithIdempotent returns ctx marking the requests made with it as safe to
// repeat whatever their method, such as a GraphQL query sent with POST. A
// request carrying an Idempotency-Key header is treated the same way.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// idempotent methods are retried after any transient failure.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// state follows one call through retryablehttp's loop; it travels in the
// request's context, which every hook can see.
type state struct {
	c          *Client
	method     string
	idempotent bool
	url        string // the request URL with secrets masked, for traces and logs

	attempt   int
	start     time.Time
	wait      time.Duration // before the next attempt
	why       string        // what the wait is for
	secondary int           // secondary rate limits seen without a stated wait

	limited *throttle // the last answer was a rate limit
	gated   bool      // this attempt holds the client's gate (a retry after a rate limit)
	tooLong *throttle // the last answer asked for a wait beyond the cap
	allowed time.Duration
	bound   string // what the allowed wait is bound by
}

func newState(c *Client, method string, ctx context.Context, h http.Header) *state {
	st := &state{c: c, method: method, idempotent: idempotent(method)}
	if !st.idempotent {
		marked, _ := ctx.Value(idempotentKey{}).(bool)
		st.idempotent = marked || h["Idempotency-Key"] != nil
	}
	return st
}

func noBackoff(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }

// beforeAttempt runs before each attempt (retryablehttp's RequestLogHook).
func (c *Client) beforeAttempt(_ retryablehttp.Logger, req *http.Request, i int) {
	st, ok := req.Context().Value(stateKey{}).(*state)
	if !ok {
		return
	}
	st.attempt = i + 1
	if c.trace != nil || c.log.Enabled(req.Context(), slog.LevelDebug) {
		st.start = c.now()
		if st.url == "" {
			st.url = redactURL(req.URL.String())
		}
	}
}

// prepareRetry waits before a retry, on the injected clock.
func (c *Client) prepareRetry(req *http.Request) error {
	st, ok := req.Context().Value(stateKey{}).(*state)
	if !ok {
		return nil
	}
	if err := c.sleep(req.Context(), st.wait); err != nil {
		return err
	}
	if st.limited == nil || c.gate == nil {
		return nil
	}
	select { // a retry after a rate limit goes alone: see Client.gate
	case c.gate <- struct{}{}:
		st.gated = true
		return nil
	case <-req.Context().Done():
		return req.Context().Err()
	}
}

// leaveGate releases the client's gate if st's attempt holds it.
func (c *Client) leaveGate(st *state) {
	if st.gated {
		st.gated = false
		<-c.gate
	}
}

// checkRetry decides after each attempt whether to try again and how long
// to wait first; it reports each attempt to the trace and the log.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, ok := ctx.Value(stateKey{}).(*state)
	if !ok {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	c.leaveGate(st)
	retry, stop := c.decide(ctx, st, resp, err)
	if c.trace != nil || st.start != (time.Time{}) {
		c.report(ctx, st, resp, err, retry && st.attempt < c.maxAttempts)
	}
	return retry, stop
}

// finalError reports whether a transport failure must not be retried: the
// call's budget is spent; the client itself refused the request (a redirect
// that would leak the body); the proxy refused the tunnel (407, 403); or
// the server's certificate is not trusted. The same again would fail.
func finalError(err error) bool {
	if isBudget(err) {
		return true
	}
	if e := (*errs.Error)(nil); errors.As(err, &e) {
		return true
	}
	if pse := (*proxyStatusError)(nil); errors.As(err, &pse) && pse.status < 500 {
		return true
	}
	return untrustedCertificate(err)
}

func (c *Client) decide(ctx context.Context, st *state, resp *http.Response, err error) (bool, error) {
	st.limited, st.tooLong, st.wait, st.why = nil, nil, 0, ""
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if finalError(err) {
			return false, nil
		}
		if ok, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !ok {
			return false, nil // bad scheme, header, certificate, too many redirects
		}
		if !st.idempotent && !neverSent(err) {
			return false, nil
		}
		st.wait, st.why = c.backoff(st.attempt), "connection error"
		return true, nil
	}
	status := resp.StatusCode
	if status < 400 {
		return false, nil
	}
	var body []byte
	if status == http.StatusForbidden || status == http.StatusTooManyRequests {
		body = peekBody(resp)
	}
	th := parseThrottle(status, resp.Header, body, c.now(), st.secondary)
	transient := status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
	switch {
	case th.limited:
		st.limited = &th // refused for rate: never processed, so any method may retry
		c.quota.limited.Store(true)
	case transient && st.idempotent:
	default:
		return false, nil
	}
	if !th.known {
		st.wait, st.why = c.backoff(st.attempt), strconv.Itoa(status)
		return true, nil
	}
	allowed, bound := c.maxWait, "the "+c.maxWait.String()+" this connector may wait (LUMOS_MAX_RATE_LIMIT_WAIT)"
	if c.maxWait < 0 {
		allowed, bound = 0, "LUMOS_MAX_RATE_LIMIT_WAIT, which forbids waiting"
	}
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < allowed {
			allowed, bound = left, "the time left before the call's deadline"
		}
	}
	if th.wait > allowed {
		st.tooLong, st.allowed, st.bound = &th, allowed, bound
		return false, nil
	}
	if th.rule == ruleSecondary {
		st.secondary++
	}
	st.wait, st.why = th.wait, th.rule
	if th.limited {
		c.observeDelay(th.wait)
	}
	return true, nil
}

// neverSent reports whether a request certainly did not reach the server:
// no connection could be made.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff is the wait before retry n (n ≥ 1): RetryWaitMin doubled n-1
// times, at most RetryWaitMax, with jitter in its upper half.
func (c *Client) backoff(n int) time.Duration {
	d := c.waitMax
	if n-1 < 32 {
		if e := c.waitMin << (n - 1); e > 0 && e < d {
			d = e
		}
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// peekBody reads the start of a body (to recognise a rate limit) and
// leaves it readable again.
func peekBody(resp *http.Response) []byte {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return body
}

// report writes an attempt's trace line and DEBUG log record.
func (c *Client) report(ctx context.Context, st *state, resp *http.Response, err error, retrying bool) {
	if st.url == "" {
		st.url = "?"
	}
	elapsed := c.now().Sub(st.start).Round(time.Microsecond)
	outcome := ""
	if err != nil {
		outcome = "error: " + causeText(err)
	} else {
		outcome = resp.Status
		if outcome == "" {
			outcome = strconv.Itoa(resp.StatusCode)
		}
	}
	next := ""
	switch {
	case retrying:
		next = fmt.Sprintf(", retrying in %s (%s)", st.wait.Round(time.Millisecond), st.why)
	case st.tooLong != nil:
		next = fmt.Sprintf(", giving up: asked to wait %s (%s)", st.tooLong.wait.Round(time.Second), st.tooLong.rule)
	}
	if c.trace != nil {
		line := fmt.Sprintf("http %s %s -> %s in %s (attempt %d/%d%s)\n",
			st.method, st.url, outcome, elapsed, st.attempt, c.maxAttempts, next)
		c.traceMu.Lock()
		io.WriteString(c.trace, line)
		c.traceMu.Unlock()
	}
	if c.log.Enabled(ctx, slog.LevelDebug) {
		attrs := []slog.Attr{slog.String("method", st.method), slog.String("url", st.url),
			slog.String("outcome", outcome), slog.Duration("duration", elapsed), slog.Int("attempt", st.attempt)}
		if retrying {
			attrs = append(attrs, slog.Duration("retry_in", st.wait), slog.String("retry_reason", st.why))
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "upstream request", attrs...)
	}
}

// causeText is a transport error without net/http's `Get "<url>": `
// prefix, which would repeat the URL with its query.
func causeText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// rateLimitError is the envelope-ready failure for a rate limit that
// outlasts the allowed wait or the attempts.
func (c *Client) rateLimitError(st *state, he *errs.HTTPStatusError, th *throttle) error {
	code := errs.RateLimit
	if !th.limited {
		code = errs.HTTPStatusCode(he.StatusCode) // e.g. a 503 with a far Retry-After
	}
	what := "Rate limited by the API"
	if !th.limited {
		what = "The API is unavailable"
	}
	target := he.Method + " " + errs.URLWithoutQuery(he.URL)
	var msg string
	switch {
	case st.tooLong != nil:
		msg = fmt.Sprintf("%s: %s answered %d and asks to wait until %s (%s, from %s), longer than %s. Try again after that time.",
			what, target, he.StatusCode, th.reset.UTC().Format(time.RFC3339), th.wait.Round(time.Second), th.rule, st.bound)
	case th.known:
		msg = fmt.Sprintf("%s: %s still answered %d after %s; it asks to wait until %s (from %s). Try again after that time.",
			what, target, he.StatusCode, attempts(st.attempt), th.reset.UTC().Format(time.RFC3339), th.rule)
	default:
		msg = fmt.Sprintf("%s: %s still answered %d after %s, without saying when to try again.",
			what, target, he.StatusCode, attempts(st.attempt))
	}
	if text := strings.TrimSpace(string(he.Body)); text != "" {
		if len(text) > 512 {
			text = strings.ToValidUTF8(text[:512], "") + "…"
		}
		msg += " Upstream said: " + text
	}
	return &errs.Error{Message: msg, Code: code, Err: he}
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}
