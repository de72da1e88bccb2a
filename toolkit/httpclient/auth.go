package httpclient

import (
	"encoding/base64"
	"net/http"
)

// Auth adds credentials to an outgoing request. It runs once per call,
// before the first attempt; retries send the same headers. The client never
// logs, traces or puts request headers in errors.
type Auth interface {
	Authorize(req *http.Request) error
}

// AuthFunc lets a function be an Auth, for schemes such as request signing.
type AuthFunc func(req *http.Request) error

// Authorize calls f.
func (f AuthFunc) Authorize(req *http.Request) error { return f(req) }

// headerAuth sets one header to a fixed value.
type headerAuth struct {
	key   string
	value []string // shared by every request: read-only
}

func (a headerAuth) Authorize(req *http.Request) error {
	req.Header[a.key] = a.value
	return nil
}

// Bearer sends "Authorization: Bearer <token>" (OAuth 2.0 access tokens,
// GitHub tokens and most API keys).
func Bearer(token string) Auth {
	return headerAuth{"Authorization", []string{"Bearer " + token}}
}

// Basic sends HTTP basic authentication.
func Basic(user, password string) Auth {
	return headerAuth{"Authorization", []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}}
}

// APIKey sends a credential in the named header, such as
// APIKey("X-API-Key", key) or APIKey("Authorization", "SSWS "+token).
func APIKey(header, value string) Auth {
	return headerAuth{http.CanonicalHeaderKey(header), []string{value}}
}
