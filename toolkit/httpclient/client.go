package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Defaults applied when the matching Options field is zero.
const (
	DefaultConnectTimeout   = 10 * time.Second            // establishing a connection (TCP and TLS handshake)
	DefaultTimeout          = 30 * time.Second            // one attempt, from sending to reading the whole body
	DefaultMaxAttempts      = 4                           // attempts per call, the first one included
	DefaultRetryWaitMin     = 500 * time.Millisecond      // backoff before the first retry (before jitter)
	DefaultRetryWaitMax     = 15 * time.Second            // longest backoff between attempts (before jitter)
	DefaultMaxRateLimitWait = 60 * time.Second            // longest wait a rate limit may impose
	DefaultMaxResponseBytes = 64 << 20                    // largest body the JSON methods read
	MaxErrorBody            = 64 << 10                    // bytes of a non-2xx body kept in *errs.HTTPStatusError
	MaxRawBody              = 8 << 20                     // largest body recorded as raw data
	SecondaryRateLimitWait  = time.Minute                 // GitHub's "wait at least a minute" for a secondary limit without Retry-After
	EnvMaxRateLimitWait     = "LUMOS_MAX_RATE_LIMIT_WAIT" // a Go duration overriding Options.MaxRateLimitWait
)

// Version is the lumos version sent in the User-Agent. When empty (the
// default), the version Go recorded for module github.com/lumosgo/lumos is
// used, else "dev". A release build can set it with
// -ldflags "-X github.com/lumosgo/lumos/toolkit/httpclient.Version=1.2.3", and
// the command line may assign its own version before running a capability.
var Version string

const modulePath = "github.com/lumosgo/lumos"

var buildVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := ""
	if bi.Main.Path == modulePath {
		v = bi.Main.Version
	} else {
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				v = d.Version
				break
			}
		}
	}
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
})

func lumosVersion() string {
	if Version != "" {
		return Version
	}
	return buildVersion()
}

// Options configure a Client. Only AppID and, for relative paths, BaseURL
// are needed; every other zero field takes its documented default.
type Options struct {
	// AppID names the connector in the User-Agent, "lumos/<version> (<app_id>)".
	AppID string
	// BaseURL is prefixed to relative paths ("/orgs/x" → BaseURL+"/orgs/x").
	// Absolute URLs (such as Link header targets) must have its scheme and
	// host, so credentials never leave for another server; without a
	// BaseURL, only absolute URLs can be used and any host is allowed.
	BaseURL string
	// Auth adds credentials to every request; nil sends none.
	Auth Auth
	// Header is sent with every request (for instance Accept or an API
	// version header). A User-Agent set here replaces lumos's.
	Header http.Header

	// Transport sends each attempt. Nil uses a pooled transport shared by
	// all clients with the same ConnectTimeout, honouring proxy variables.
	Transport http.RoundTripper
	// ConnectTimeout bounds establishing a connection, TLS included, when
	// Transport is nil. Default DefaultConnectTimeout (10 s).
	ConnectTimeout time.Duration
	// Timeout bounds one attempt, from sending the request to reading the
	// end of the body (so it also covers the caller reading a body returned
	// by Do). The call's context bounds the whole call, waits included.
	// Default DefaultTimeout (30 s).
	Timeout time.Duration

	// MaxAttempts is the number of attempts per call, the first included;
	// 1 disables retries. Default DefaultMaxAttempts (4).
	MaxAttempts int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff (the wait
	// doubles from RetryWaitMin up to RetryWaitMax, then jitter picks a
	// value in its upper half). Defaults 500 ms and 15 s.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRateLimitWait is the longest wait a rate limit (or a Retry-After)
	// may impose before one retry; a longer one fails the call at once with
	// an *errs.Error of code rate_limit. Negative means never wait. Default
	// DefaultMaxRateLimitWait (60 s). The environment variable
	// LUMOS_MAX_RATE_LIMIT_WAIT (a Go duration such as "5m"; "0" never
	// waits) overrides it, as the operator knows the agent's own deadline.
	MaxRateLimitWait time.Duration
	// MaxResponseBytes bounds the bodies the JSON methods read. Default
	// DefaultMaxResponseBytes (64 MiB).
	MaxResponseBytes int64

	// RateLimitID names the upstream's rate limit in the newer protocol's
	// rate_limit blocks: the key of last_known_state the client seeds
	// itself from, and of current_state it reports its observations under.
	// Default AppID, else the BaseURL's host.
	RateLimitID string

	// Now tells the time; default time.Now. Tests inject a fake clock.
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then; default
	// a timer. Tests inject one that records the waits and advances Now.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client sends a capability call's requests upstream. Make one per call
// with New; it is safe for concurrent use.
type Client struct {
	rc          *retryablehttp.Client
	base        *url.URL // nil without a BaseURL
	baseStr     string   // BaseURL without its trailing slash
	baseErr     error
	auth        Auth
	header      http.Header
	ua          []string
	maxAttempts int
	waitMin     time.Duration
	waitMax     time.Duration
	maxWait     time.Duration // < 0: never wait
	maxResp     int64
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error

	call    context.Context   // the capability call: where raw data goes
	spend   *toolkit.Spending // the budget outside a dispatched call
	raw     bool
	trace   io.Writer
	traceMu sync.Mutex
	log     *slog.Logger
	quota   quota // the upstream's rate limit, as its answers state it
	// gate lets one retry after a rate limit through at a time, so that
	// requests refused together (pages fetched concurrently) do not all
	// come back at once when the wait ends and spend their attempts
	// refusing each other again.
	gate     chan struct{}
	rlID     string // see Options.RateLimitID
	envProxy bool   // the shared transport: the proxy comes from the environment
	seed     seed   // the caller's last known state of the rate limit
	observe  bool   // the call answers rate_limit.current_state (the latest protocol)
}

// New returns a client for the capability call ctx belongs to: raw data,
// the trace writer and the logger are taken from ctx (see toolkit.WantsRawData,
// toolkit.TraceWriter, toolkit.Logger), while each request's own context
// bounds and cancels it. New never fails: a bad BaseURL is reported by every
// request.
func New(ctx context.Context, opts Options) *Client {
	c := &Client{
		auth:        opts.Auth,
		header:      opts.Header,
		maxAttempts: orDefault(opts.MaxAttempts, DefaultMaxAttempts),
		waitMin:     orDefault(opts.RetryWaitMin, DefaultRetryWaitMin),
		waitMax:     orDefault(opts.RetryWaitMax, DefaultRetryWaitMax),
		maxWait:     orDefault(opts.MaxRateLimitWait, DefaultMaxRateLimitWait),
		maxResp:     orDefault(opts.MaxResponseBytes, DefaultMaxResponseBytes),
		now:         opts.Now,
		sleep:       opts.Sleep,
		call:        ctx,
		raw:         toolkit.WantsRawData(ctx),
		trace:       toolkit.TraceWriter(ctx),
		log:         toolkit.Logger(ctx),
		gate:        make(chan struct{}, 1),
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	c.rlID = rateLimitID(opts)
	c.observe = toolkit.ProtocolOf(ctx) == toolkit.ProtocolLatest
	c.seedFrom(ctx)
	checkProxyEnv(ctx, c.log)
	c.maxAttempts = max(c.maxAttempts, 1)
	if c.waitMax < c.waitMin {
		c.waitMax = c.waitMin
	}
	if v := os.Getenv(EnvMaxRateLimitWait); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			c.maxWait = d
			if d == 0 {
				c.maxWait = -1
			}
		} else {
			c.log.Debug("ignoring an invalid "+EnvMaxRateLimitWait, "value", v, "error", err.Error())
		}
	}
	ua := "lumos/" + lumosVersion()
	if opts.AppID != "" {
		ua += " (" + opts.AppID + ")"
	}
	c.ua = []string{ua}
	if opts.BaseURL != "" {
		c.baseStr = strings.TrimRight(opts.BaseURL, "/")
		u, err := url.Parse(c.baseStr)
		switch {
		case err != nil:
			c.baseErr = errs.Wrap(err, errs.InvalidValue, "Invalid base URL: "+err.Error())
		case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
			c.baseErr = errs.Newf(errs.InvalidValue, "Invalid base URL %q: it must be an absolute http or https URL.", errs.URLWithoutQuery(opts.BaseURL))
		default:
			c.base = u
		}
	}
	transport := opts.Transport
	c.envProxy = transport == nil
	if transport == nil {
		transport = sharedTransport(orDefault(opts.ConnectTimeout, DefaultConnectTimeout))
	}
	if c.spend = toolkit.SpendingOf(ctx); c.spend == nil {
		c.spend = toolkit.NewSpending(toolkit.Budget{})
	}
	transport = budgeted{next: transport, c: c}
	c.rc = &retryablehttp.Client{
		HTTPClient:     &http.Client{Transport: transport, Timeout: orDefault(opts.Timeout, DefaultTimeout), CheckRedirect: c.checkRedirect},
		Logger:         nil, // silent: tracing and logging are done here
		RetryMax:       c.maxAttempts - 1,
		RetryWaitMin:   c.waitMin,
		RetryWaitMax:   c.waitMax,
		CheckRetry:     c.checkRetry,
		Backoff:        noBackoff, // the wait happens in PrepareRetry, on the injected clock
		PrepareRetry:   c.prepareRetry,
		RequestLogHook: c.beforeAttempt,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler, // keep the last response
	}
	return c
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

var transports sync.Map // connect timeout → *http.Transport

// sharedTransport returns a pooled transport per connect timeout, so the
// clients of successive calls reuse connections.
func sharedTransport(connect time.Duration) http.RoundTripper {
	if t, ok := transports.Load(connect); ok {
		return t.(http.RoundTripper)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connect
	t.MaxIdleConnsPerHost = 16
	t.OnProxyConnectResponse = checkProxyConnect
	actual, _ := transports.LoadOrStore(connect, t)
	return actual.(http.RoundTripper)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Response describes a 2xx answer to one of the JSON methods, whose body
// was already read and decoded.
type Response struct {
	StatusCode int         // e.g. 200, 201 or 204
	Header     http.Header // the response headers, e.g. for paginate.NextLink
	URL        *url.URL    // the URL that answered, after redirects; relative links resolve against it
}

// URL resolves path: an absolute http(s) URL is kept as given (it must have
// BaseURL's scheme and host), anything else is appended to BaseURL.
func (c *Client) URL(path string) (string, error) {
	if c.baseErr != nil {
		return "", c.baseErr
	}
	if hasScheme(path) {
		u, err := url.Parse(path)
		if err != nil {
			return "", errs.Wrap(err, errs.InvalidValue, "Invalid URL: "+errs.URLWithoutQuery(path))
		}
		if err := c.checkHost(u); err != nil {
			return "", err
		}
		return path, nil
	}
	if c.base == nil {
		return "", errs.Newf(errs.InvalidValue, "Relative URL %q without a base URL.", errs.URLWithoutQuery(path))
	}
	if path == "" || path[0] == '?' {
		return c.baseStr + path, nil
	}
	if path[0] != '/' {
		return c.baseStr + "/" + path, nil
	}
	return c.baseStr + path, nil
}

func hasScheme(s string) bool {
	return len(s) > 8 && (strings.EqualFold(s[:7], "http://") || strings.EqualFold(s[:8], "https://"))
}

// checkHost refuses URLs outside BaseURL's origin.
func (c *Client) checkHost(u *url.URL) error {
	if c.base == nil {
		return nil
	}
	if !strings.EqualFold(u.Scheme, c.base.Scheme) || !strings.EqualFold(u.Host, c.base.Host) {
		return errs.Newf(errs.InvalidValue, "Refusing to send a request to %s://%s: this connector only talks to %s://%s.",
			u.Scheme, u.Host, c.base.Scheme, c.base.Host)
	}
	return nil
}

// NewRequest returns a request for path (resolved as URL does) with ctx as
// its context, ready for Do; body may be nil.
func (c *Client) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	u, err := c.URL(path)
	if err != nil {
		return nil, err
	}
	return http.NewRequestWithContext(ctx, method, u, body)
}

// Do sends req with retries and rate-limit handling, adding the default
// headers, the User-Agent and the credentials. A 2xx answer is returned
// with its body open; the caller closes it (and, with raw data wanted, it
// was recorded already). Any other answer is returned as an error: an
// *errs.HTTPStatusError, or an *errs.Error of code rate_limit wrapping one
// when a rate limit outlasts the allowed wait or the attempts. A proxy's
// refusal, an unreachable proxy or an untrusted certificate is returned as
// an *errs.Error naming it (a 407 answer too); any other transport failure
// as net/http reports it, with secrets removed from its URL. The request
// body is buffered so that it can be sent again.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	if err := c.checkHost(req.URL); err != nil {
		return nil, err
	}
	if err := c.checkGet(req.Context(), req.Method, req.URL.String()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	st := newState(c, req.Method, req.Context(), req.Header)
	ctx := context.WithValue(req.Context(), stateKey{}, st)
	out := req.Clone(ctx)
	rreq, err := retryablehttp.FromRequest(out)
	if req.Body != nil {
		req.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	c.prepare(out)
	resp, err := c.do(st, rreq)
	if err != nil {
		return nil, err
	}
	if c.raw {
		resp.Body = c.recordStream(resp)
	}
	return resp, nil
}

// GetJSON sends GET path and decodes the JSON answer into out (if not nil).
func (c *Client) GetJSON(ctx context.Context, path string, out any) (*Response, error) {
	return c.DoJSON(ctx, http.MethodGet, path, nil, out)
}

// PostJSON sends POST path with in encoded as JSON (nil sends no body) and
// decodes the answer into out (if not nil and the answer has a body).
func (c *Client) PostJSON(ctx context.Context, path string, in, out any) (*Response, error) {
	return c.DoJSON(ctx, http.MethodPost, path, in, out)
}

// PutJSON is PostJSON with PUT.
func (c *Client) PutJSON(ctx context.Context, path string, in, out any) (*Response, error) {
	return c.DoJSON(ctx, http.MethodPut, path, in, out)
}

// PatchJSON is PostJSON with PATCH.
func (c *Client) PatchJSON(ctx context.Context, path string, in, out any) (*Response, error) {
	return c.DoJSON(ctx, http.MethodPatch, path, in, out)
}

// Delete sends DELETE path and discards any body.
func (c *Client) Delete(ctx context.Context, path string) (*Response, error) {
	return c.DoJSON(ctx, http.MethodDelete, path, nil, nil)
}

// DoJSON sends method path with in encoded as JSON (nil sends no body),
// asking for JSON unless Options.Header names another Accept, and decodes a
// non-empty 2xx body into out (if not nil). Errors are as for Do; a body
// that is not valid JSON gives an error wrapping the *json.SyntaxError,
// which errs.Describe reports as api_error.
func (c *Client) DoJSON(ctx context.Context, method, path string, in, out any) (*Response, error) {
	u, err := c.URL(path)
	if err != nil {
		return nil, err
	}
	var body any // an untyped nil sends no body at all
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encoding the %s %s request body: %w", method, errs.URLWithoutQuery(u), err)
		}
		body = b
	}
	if err := c.checkGet(ctx, method, u); err != nil {
		return nil, err
	}
	st := newState(c, method, ctx, nil)
	rreq, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), method, u, body)
	if err != nil {
		return nil, errs.Wrap(err, errs.InvalidValue, fmt.Sprintf("Invalid request %s %s: %v", method, redactURL(u), err))
	}
	if c.header["Accept"] == nil {
		rreq.Header["Accept"] = jsonType
	}
	if body != nil {
		rreq.Header["Content-Type"] = jsonType
	}
	c.prepare(rreq.Request)
	resp, err := c.do(st, rreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := readAll(resp.Body, resp.ContentLength, c.maxResp)
	if err != nil && !isBudget(err) && brokenConnection(err) {
		return nil, connectionError(err, method, u)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the answer to %s %s: %w", method, redactURL(u), err)
	}
	if c.raw {
		c.record(data)
	}
	r := &Response{StatusCode: resp.StatusCode, Header: resp.Header, URL: resp.Request.URL}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return r, errs.Wrap(err, errs.InvalidResponse, fmt.Sprintf("Invalid response from the API: the answer to %s %s does not have the expected shape: %v.", method, redactURL(u), err))
			}
			return r, fmt.Errorf("decoding the answer to %s %s: %w", method, errs.URLWithoutQuery(u), err)
		}
	}
	return r, nil
}

var jsonType = []string{"application/json"}

// prepare adds the default headers, the User-Agent and the credentials.
func (c *Client) prepare(req *http.Request) {
	for k, v := range c.header {
		if req.Header[k] == nil {
			req.Header[k] = v
		}
	}
	if req.Header["User-Agent"] == nil {
		req.Header["User-Agent"] = c.ua
	}
}

// do runs the retry loop and turns its outcome into the documented results.
func (c *Client) do(st *state, rreq *retryablehttp.Request) (*http.Response, error) {
	if err := c.waitSeed(rreq.Context()); err != nil {
		return nil, err
	}
	if c.auth != nil {
		if err := c.auth.Authorize(rreq.Request); err != nil {
			return nil, err
		}
	}
	resp, err := c.rc.Do(rreq)
	c.leaveGate(st) // in case the loop ended between a retry's preparation and its check
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, c.transportError(st, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || st.tooLong != nil {
		return nil, c.statusError(st, resp)
	}
	return resp, nil
}

// transportError removes secrets from the URL net/http quotes, turns a
// broken connection or a malformed answer into an api_error, and notes
// how many attempts were made.
func (c *Client) transportError(st *state, err error) error {
	var ue *url.Error
	u := ""
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL)
		u = ue.URL
	}
	var pe textproto.ProtocolError
	egress, isEgress := classifyEgress(err, st.method, u, c.envProxy)
	switch {
	case isBudget(err):
	case isEgress:
		err = egress
	case brokenConnection(err):
		err = connectionError(err, st.method, u)
	case errors.As(err, &pe): // e.g. a header line holding control characters
		err = errs.Wrap(err, errs.APIError, fmt.Sprintf("The API answered %s %s with a malformed HTTP response: %s.", st.method, u, pe))
	}
	if st.attempt > 1 && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w (gave up after %d attempts)", err, st.attempt)
	}
	return err
}

// statusError reads a non-2xx answer into an *errs.HTTPStatusError and, for
// a rate limit, wraps it in an *errs.Error of code rate_limit.
func (c *Client) statusError(st *state, resp *http.Response) error {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	if c.raw {
		c.record(body)
	}
	he := &errs.HTTPStatusError{
		StatusCode: resp.StatusCode,
		Method:     resp.Request.Method,
		URL:        redactURL(resp.Request.URL.String()),
		Header:     safeHeader(resp.Header),
		Body:       body,
	}
	th := st.tooLong
	if th == nil {
		th = st.limited
	}
	if resp.StatusCode == http.StatusProxyAuthRequired {
		// only a proxy answers 407: with an http:// upstream it answers in
		// the upstream's place, as there is no tunnel
		u := resp.Request.URL
		return proxyRefusal(he, proxyFor(u.String()), u.Host, resp.Status, proxyVariable(u.Scheme), resp.StatusCode)
	}
	if th == nil {
		return he
	}
	return c.rateLimitError(st, he, th)
}

// safeHeader copies h without the headers that may carry credentials.
func safeHeader(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, v := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
			continue
		}
		out[k] = v
	}
	return out
}

// readAll reads at most limit bytes of r, sized from the Content-Length.
func readAll(r io.Reader, length, limit int64) ([]byte, error) {
	size := int64(512)
	if length > 0 && length <= limit {
		size = length + 1 // the extra byte lets ReadFrom see EOF without growing
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("the body is over the %d-byte limit", limit)
	}
	return buf.Bytes(), nil
}

// record adds a body to the call's raw data: its JSON if it is JSON, else its text.
func (c *Client) record(body []byte) {
	toolkit.AddRawData(c.call, rawValue(body))
}

func rawValue(body []byte) any {
	if len(body) > MaxRawBody {
		return fmt.Sprintf("(a %d-byte body, over the %d-byte raw data limit)", len(body), MaxRawBody)
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && json.Valid(trimmed) {
		return json.RawMessage(bytes.Clone(trimmed))
	}
	return string(body)
}

// recordStream records the body of a response Do returns and gives back
// an equivalent body for the caller.
func (c *Client) recordStream(resp *http.Response) io.ReadCloser {
	head, err := io.ReadAll(io.LimitReader(resp.Body, MaxRawBody+1))
	if err != nil || len(head) > MaxRawBody {
		c.record([]byte(fmt.Sprintf("(a body over the %d-byte raw data limit, or unreadable)", MaxRawBody)))
		return readCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	}
	c.record(head)
	resp.Body.Close()
	return io.NopCloser(bytes.NewReader(head))
}

type readCloser struct {
	io.Reader
	io.Closer
}

// StatusOf returns the HTTP status of the upstream answer err carries (an
// *errs.HTTPStatusError anywhere in its chain), or 0. Handlers use it to
// treat an expected status, such as 404, as an answer.
func StatusOf(err error) int {
	var he *errs.HTTPStatusError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}
