package errs

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxBodyInMessage bounds how much of an upstream body an error message quotes.
const MaxBodyInMessage = 2048

// HTTPStatusError is an upstream HTTP response whose status is not 2xx. Its
// message has upstream's format, "[<status>][<url without query>] <body>".
type HTTPStatusError struct {
	StatusCode int                 // the response status
	Method     string              // the request method
	URL        string              // the request URL; its query is never shown
	Header     map[string][]string // the response headers (an http.Header; errs does not import net/http)
	Body       []byte              // the response body, possibly truncated by the client
}

// Error returns "[<status>][<url without query>] <body>", the body trimmed
// and cut to MaxBodyInMessage bytes.
func (e *HTTPStatusError) Error() string {
	body := strings.TrimSpace(string(e.Body))
	if len(body) > MaxBodyInMessage {
		cut := MaxBodyInMessage
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut] + "…"
	}
	if u := URLWithoutQuery(e.URL); u != "" {
		return fmt.Sprintf("[%d][%s] %s", e.StatusCode, u, body)
	}
	return fmt.Sprintf("[%d] %s", e.StatusCode, body)
}

// URLWithoutQuery returns raw without its query, fragment and user
// information, which may carry secrets.
func URLWithoutQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		before, _, _ := strings.Cut(raw, "?")
		return before
	}
	u.RawQuery, u.Fragment, u.RawFragment, u.User = "", "", "", nil
	u.ForceQuery = false
	return u.String()
}

// HTTPStatusCode maps an upstream HTTP status to an error code, as
// upstream's standard HTTP handler does: 400 bad_request, 401 unauthorized,
// 403 permission_denied, 404 not_found, 429 rate_limit, 502/503/504
// bad_gateway, anything else api_error.
func HTTPStatusCode(status int) ErrorCode {
	switch status {
	case 400:
		return BadRequest
	case 401:
		return Unauthorized
	case 403:
		return PermissionDenied
	case 404:
		return NotFound
	case 429:
		return RateLimit
	case 502, 503, 504:
		return BadGateway
	}
	return APIError
}
