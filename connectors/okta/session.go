package okta

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// session is one capability call's view of the org: its settings and an
// authenticated client.
type session struct {
	s Settings
	c *httpclient.Client
}

// httpOptions lets tests adjust every client the connector makes (a
// clock, a sleep, a wait cap); nil in production.
var httpOptions func(*httpclient.Options)

var apiHeader = http.Header{"Accept": {"application/json"}}

// clientOptions are the options of every client the connector makes; with
// dp, each attempt to the org carries a DPoP proof (dp wraps the transport).
func clientOptions(baseURL string, auth httpclient.Auth, dp *dpopTransport) httpclient.Options {
	o := httpclient.Options{AppID: "okta", BaseURL: baseURL, Auth: auth, Header: apiHeader}
	if httpOptions != nil {
		httpOptions(&o)
	}
	if dp != nil {
		if dp.next = o.Transport; dp.next == nil {
			dp.next = dpopBase()
		}
		if u, err := url.Parse(baseURL); err == nil {
			dp.origin = u
		} else {
			dp.origin = &url.URL{} // matches no request: an invalid base URL fails every request anyway
		}
		o.Transport = dp
	}
	return o
}

// newSession decodes the settings, picks the request's credential and
// builds the client (for a service app, after minting an access token).
func newSession[P any](ctx context.Context, req toolkit.Request[P]) (*session, error) {
	s, err := decodeSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	cred, err := pickCredential(req.Credentials)
	if err != nil {
		return nil, err
	}
	var auth httpclient.Auth
	var dp *dpopTransport
	if cred.Token != nil {
		auth = ssws(cred.Token.Token)
	} else {
		tok, key, err := mintToken(ctx, s, cred.KeyPair)
		if err != nil {
			return nil, err
		}
		auth = httpclient.Bearer(tok)
		if key != nil { // a DPoP-bound token: "Authorization: DPoP <token>" and a proof per attempt
			auth = httpclient.APIKey("Authorization", "DPoP "+tok)
			dp = &dpopTransport{key: key, token: tok}
		}
	}
	return &session{s: s, c: httpclient.New(ctx, clientOptions(s.BaseURL, auth, dp))}, nil
}

// ssws is Okta's API token scheme: "Authorization: SSWS <token>".
func ssws(token string) httpclient.Auth {
	return httpclient.APIKey("Authorization", "SSWS "+token)
}

// decodeSettings applies the defaults, derives the base URL from the
// domain and checks what the schema cannot.
func decodeSettings(raw json.RawMessage) (Settings, error) {
	s, err := toolkit.DecodeSettings[Settings](raw)
	if err != nil {
		return s, err
	}
	s.Domain = strings.TrimSpace(s.Domain)
	s.BaseURL = strings.TrimRight(strings.TrimSpace(s.BaseURL), "/")
	switch {
	case s.Domain != "" && s.BaseURL != "":
		return s, errs.New(errs.BadRequest, "Invalid settings: set domain or base_url, not both.")
	case s.Domain == "" && s.BaseURL == "":
		return s, errs.New(errs.BadRequest, "Invalid settings: set domain (such as acme.okta.com) or base_url (such as https://acme.okta.com).")
	case s.Domain != "":
		if strings.ContainsAny(s.Domain, "/?#@ ") || strings.Contains(s.Domain, "://") {
			return s, errs.Newf(errs.BadRequest, "Invalid settings: domain %q is not a host name such as acme.okta.com (use base_url for a full URL).", s.Domain)
		}
		s.BaseURL = "https://" + s.Domain
	}
	if err := checkBaseURL(s.BaseURL); err != nil {
		return s, err
	}
	if s.PageSize <= 0 {
		s.PageSize = MaxUpstreamPage
	}
	if s.PageSize > MaxUpstreamPage {
		return s, errs.Newf(errs.BadRequest, "Invalid settings: page_size %d is above Okta's largest page (%d).", s.PageSize, MaxUpstreamPage)
	}
	s.OAuthScopes = strings.Join(strings.Fields(s.OAuthScopes), " ")
	if s.OAuthScopes == "" {
		s.OAuthScopes = DefaultScopes
	}
	s.OAuthKeyID = strings.TrimSpace(s.OAuthKeyID)
	switch s.OAuthDPoP = strings.ToLower(strings.TrimSpace(s.OAuthDPoP)); s.OAuthDPoP {
	case "":
		s.OAuthDPoP = DPoPAuto
	case DPoPAuto, DPoPAlways, DPoPNever:
	default:
		return s, errs.Newf(errs.BadRequest, "Invalid settings: oauth_dpop %q is not auto, always or never.", s.OAuthDPoP)
	}
	return s, nil
}

// checkBaseURL accepts an https URL without user, query, fragment or path
// (the org's root), or plain http to a loopback host (tests).
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	bad := err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/")
	if !bad {
		switch u.Scheme {
		case "https":
		case "http":
			bad = !loopback(u.Hostname())
		default:
			bad = true
		}
	}
	if bad {
		return errs.Newf(errs.BadRequest, "Invalid settings: base_url %q must be the org's https URL, such as https://acme.okta.com (no path, query or user; http only for a loopback host).", errs.URLWithoutQuery(raw))
	}
	return nil
}

// loopback reports whether host is localhost or a loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pickCredential returns the one credential the request carries.
func pickCredential(creds []toolkit.AuthCredential) (*toolkit.AuthCredential, error) {
	var found []*toolkit.AuthCredential
	for i := range creds {
		if creds[i].Token != nil || creds[i].KeyPair != nil {
			found = append(found, &creds[i])
		}
	}
	switch {
	case len(found) == 0:
		return nil, errs.New(errs.BadRequest, `Missing credential: send {"id":"api_token","token":{…}} or {"id":"service_app","key_pair":{…}} in credentials.`)
	case len(found) > 1:
		return nil, errs.New(errs.BadRequest, "Send exactly one credential (api_token or service_app); this request carries several.")
	}
	c := found[0]
	if c.Token != nil && strings.TrimSpace(c.Token.Token) == "" {
		return nil, errs.New(errs.Unauthorized, "The Okta API token is empty.")
	}
	return c, nil
}

// tenantHost is the org's host, lower-cased, for page-token scopes.
func tenantHost(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil {
		return strings.ToLower(u.Host)
	}
	return strings.ToLower(baseURL)
}

// checkID refuses an id that cannot be an Okta id in a path.
func checkID(id, what string) error {
	if strings.TrimSpace(id) == "" || id == "." || id == ".." || strings.ContainsAny(id, "/?#") {
		return errs.Newf(errs.NotFound, "Unknown %s id %q.", what, id)
	}
	return nil
}

// userPath is the path of one user, below /api/v1/users.
func userPath(id string, rest ...string) string {
	p := "/api/v1/users/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}
