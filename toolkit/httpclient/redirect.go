package httpclient

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// MaxRedirects is the longest chain of redirects a request follows.
const MaxRedirects = 10

// redirectSafeHeaders are the only headers a request keeps once a redirect
// has taken it to another origin: none of them carries a credential.
var redirectSafeHeaders = map[string]bool{
	"Accept": true, "Accept-Encoding": true, "Accept-Language": true, "User-Agent": true,
	"Cache-Control": true, "If-None-Match": true, "If-Modified-Since": true, "Range": true,
}

// checkRedirect is the redirect policy: credentials stay with the origin
// (scheme, host and port) of the request as sent. Once a redirect has led
// to another origin, a downgrade from https to http included, the request
// goes on with only the headers of redirectSafeHeaders, so no
// Authorization, cookie, API-key header or any other header the connector
// or its Auth set goes along, and the Referer (which may quote a secret
// query) is dropped too. A redirect that would send a request body to
// another origin (307, 308) is refused with an api_error, as the body may
// hold credentials (an OAuth client secret). At most MaxRedirects are
// followed. Every redirect is written to the trace and logged at DEBUG.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects) // the wording retryablehttp knows not to retry
	}
	home := via[0].URL
	away := !sameOrigin(home, req.URL)
	for _, r := range via[1:] {
		away = away || !sameOrigin(home, r.URL)
	}
	var refused error
	if away {
		for k := range req.Header {
			if !redirectSafeHeaders[http.CanonicalHeaderKey(k)] {
				delete(req.Header, k)
			}
		}
		if req.Body != nil && req.Body != http.NoBody {
			refused = errs.Newf(errs.APIError, "Refusing to follow a redirect of %s %s to %s: it would send the request body to another origin.",
				req.Method, errs.URLWithoutQuery(via[len(via)-1].URL.String()), originOf(req.URL))
		}
	}
	c.reportRedirect(req, via[len(via)-1], away, refused)
	return refused
}

// reportRedirect writes a redirect's trace line and DEBUG log record.
func (c *Client) reportRedirect(req, from *http.Request, away bool, refused error) {
	if c.trace == nil && !c.log.Enabled(req.Context(), slog.LevelDebug) {
		return
	}
	status := "redirect"
	if req.Response != nil {
		status = req.Response.Status
	}
	note := ""
	switch {
	case refused != nil:
		note = " (refused: another origin would get the request body)"
	case away:
		note = " (another origin: credentials and connector headers not sent)"
	}
	src, dst := redactURL(from.URL.String()), redactURL(req.URL.String())
	if c.trace != nil {
		line := fmt.Sprintf("http redirect %s %s -> %s -> %s %s%s\n", from.Method, src, status, req.Method, dst, note)
		c.traceMu.Lock()
		io.WriteString(c.trace, line)
		c.traceMu.Unlock()
	}
	c.log.LogAttrs(req.Context(), slog.LevelDebug, "upstream redirect", slog.String("method", from.Method),
		slog.String("url", src), slog.String("status", status), slog.String("location", dst),
		slog.Bool("other_origin", away), slog.Bool("refused", refused != nil))
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (an absent port being the scheme's default).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

func originOf(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + u.Host
}
