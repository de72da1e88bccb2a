package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// FlowType is an OAuth 2.0 grant flow, with upstream's wire names.
type FlowType string

// The flows the module implements.
const (
	// CodeFlow is the authorization-code flow: get_authorization_url,
	// handle_authorization_callback and refresh_access_token.
	CodeFlow FlowType = "CODE_FLOW"
	// ClientCredentialsFlow is the client-credentials grant:
	// handle_client_credentials_request and refresh_access_token.
	ClientCredentialsFlow FlowType = "CLIENT_CREDENTIALS"
)

// Capabilities returns the capabilities of the flow, in upstream's order.
func (f FlowType) Capabilities() []toolkit.CapabilityName {
	switch f {
	case CodeFlow:
		return []toolkit.CapabilityName{toolkit.CapGetAuthorizationURL.Name(), toolkit.CapHandleAuthorizationCallback.Name(), toolkit.CapRefreshAccessToken.Name()}
	case ClientCredentialsFlow:
		return []toolkit.CapabilityName{toolkit.CapHandleClientCredentialsRequest.Name(), toolkit.CapRefreshAccessToken.Name()}
	}
	return nil
}

// ClientAuth is how the client id and secret reach the token endpoint.
type ClientAuth string

// The client authentication methods, with upstream's wire names.
const (
	// ClientSecretPost sends client_id and client_secret with the other
	// parameters (in the form, the JSON body or the query, see RequestType).
	ClientSecretPost ClientAuth = "CLIENT_SECRET_POST"
	// ClientSecretBasic sends them as HTTP Basic authentication.
	ClientSecretBasic ClientAuth = "CLIENT_SECRET_BASIC"
)

// DataType is where the token request's parameters go.
type DataType string

// The parameter placements, with upstream's wire names.
const (
	Form  DataType = "FORMDATA" // an application/x-www-form-urlencoded body
	JSON  DataType = "JSON"     // an application/json body
	Query DataType = "QUERY"    // the URL's query, no body
)

// RequestType is the shape of token requests; the zero value is upstream's
// default, POST with a form body.
type RequestType struct {
	Method string   // http.MethodPost (default) or http.MethodGet
	Data   DataType // Form (default), JSON or Query
}

// URL computes an endpoint for one request from the request's raw settings,
// e.g. from a tenant's sub-domain. Static gives a fixed URL; FromSettings
// builds one from the connector's settings type.
type URL func(ctx context.Context, settings json.RawMessage) (string, error)

// Static returns a URL that is always u.
func Static(u string) URL {
	return func(context.Context, json.RawMessage) (string, error) { return u, nil }
}

// FromSettings returns a URL computed from the request's settings decoded as
// T (with T's defaults applied, unknown keys ignored; see
// toolkit.DecodeSettings; absent or null settings give T's defaults). T may be the connector's settings type or a
// smaller struct with only the fields the URL needs, which keeps app_info
// (often called without settings) free of errors about other required
// settings.
func FromSettings[T any](build func(T) (string, error)) URL {
	return func(_ context.Context, raw json.RawMessage) (string, error) {
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			raw = nil // no settings: T's defaults
		}
		s, err := toolkit.DecodeSettings[T](raw)
		if err != nil {
			return "", err
		}
		return build(s)
	}
}

// ScopesFunc computes the scopes per capability for one request, from its
// raw settings.
type ScopesFunc func(ctx context.Context, settings json.RawMessage) (map[toolkit.CapabilityName]string, error)

// ClientAuthFunc picks how the client authenticates at the token endpoint
// for one request, from its raw settings.
type ClientAuthFunc func(ctx context.Context, settings json.RawMessage) (ClientAuth, error)

// Settings configure the OAuth capabilities of one credential: upstream's
// OAuthSettings.
type Settings struct {
	// AuthorizationURL is where get_authorization_url sends the user;
	// required for CodeFlow (unless get_authorization_url is the
	// connector's own or disabled).
	AuthorizationURL URL
	// TokenURL is the token endpoint; required.
	TokenURL URL
	// Scopes maps a capability to the space-delimited scopes it needs. When
	// a request names no scopes, the union of all of them is asked for.
	// `info` shows a fixed map as oauth_scopes.
	Scopes map[toolkit.CapabilityName]string
	// ScopesFunc computes the scopes per request instead of Scopes; set at
	// most one of the two.
	ScopesFunc ScopesFunc
	// FlowType is the grant flow; CodeFlow when empty.
	FlowType FlowType
	// ClientAuth is how the client authenticates; ClientSecretPost when empty.
	ClientAuth ClientAuth
	// ClientAuthFunc, when set, picks the client authentication per request
	// from the raw settings instead of ClientAuth (e.g. from a setting the
	// user chooses); set at most one of the two.
	ClientAuthFunc ClientAuthFunc
	// Request shapes the token requests; POST with a form body when zero.
	Request RequestType
	// PKCE adds an S256 code challenge to the authorization URL and returns
	// its code_verifier (code flow).
	PKCE bool
	// Disable lists OAuth capabilities the module must not register
	// (upstream's OAuthCapabilities set to false).
	Disable []toolkit.CapabilityName
	// HTTP configures the client of the token requests, the toolkit's
	// (package httpclient): zero fields take its defaults, such as its
	// timeouts and retries, and AppID defaults to the connector's. Tests set
	// Transport or MaxAttempts here.
	HTTP httpclient.Options
}

// oauthCapabilities are the capabilities the module can provide.
var oauthCapabilities = []toolkit.CapabilityName{
	toolkit.CapGetAuthorizationURL.Name(), toolkit.CapHandleAuthorizationCallback.Name(),
	toolkit.CapHandleClientCredentialsRequest.Name(), toolkit.CapRefreshAccessToken.Name(),
}

// withDefaults returns s with its empty fields set to upstream's defaults,
// or an error naming what is wrong.
func (s Settings) withDefaults() (Settings, error) {
	if s.FlowType == "" {
		s.FlowType = CodeFlow
	}
	if s.ClientAuth == "" && s.ClientAuthFunc == nil {
		s.ClientAuth = ClientSecretPost
	}
	if s.Request.Method == "" {
		s.Request.Method = http.MethodPost
	}
	if s.Request.Data == "" {
		s.Request.Data = Form
	}
	switch {
	case s.FlowType != CodeFlow && s.FlowType != ClientCredentialsFlow:
		return s, fmt.Errorf("unknown FlowType %q; use oauth.CodeFlow or oauth.ClientCredentialsFlow", s.FlowType)
	case s.ClientAuth != "" && s.ClientAuthFunc != nil:
		return s, fmt.Errorf("both ClientAuth and ClientAuthFunc are set; keep one")
	case s.ClientAuthFunc == nil && !s.ClientAuth.known():
		return s, fmt.Errorf("unknown ClientAuth %q; use oauth.ClientSecretPost or oauth.ClientSecretBasic", s.ClientAuth)
	case s.Request.Method != http.MethodPost && s.Request.Method != http.MethodGet:
		return s, fmt.Errorf("Request.Method %q is neither GET nor POST", s.Request.Method)
	case s.Request.Data != Form && s.Request.Data != JSON && s.Request.Data != Query:
		return s, fmt.Errorf("unknown Request.Data %q; use oauth.Form, oauth.JSON or oauth.Query", s.Request.Data)
	case s.TokenURL == nil:
		return s, fmt.Errorf("TokenURL is nil; set it, e.g. oauth.Static(\"https://example.com/oauth/token\")")
	case s.Scopes != nil && s.ScopesFunc != nil:
		return s, fmt.Errorf("both Scopes and ScopesFunc are set; keep one")
	}
	for _, c := range s.Disable {
		if !slices.Contains(oauthCapabilities, c) {
			return s, fmt.Errorf("the Disable list names %q, which is not an OAuth capability", c)
		}
	}
	return s, nil
}

// known reports whether a is one of the client authentication methods.
func (a ClientAuth) known() bool { return a == ClientSecretPost || a == ClientSecretBasic }

// clientAuth is the client authentication of one request.
func (s *Settings) clientAuth(ctx context.Context, settings json.RawMessage) (ClientAuth, error) {
	if s.ClientAuthFunc == nil {
		return s.ClientAuth, nil
	}
	a, err := s.ClientAuthFunc(ctx, settings)
	if err == nil && !a.known() {
		err = fmt.Errorf("ClientAuthFunc returned the unknown client authentication %q", a)
	}
	return a, err
}

// enabled reports whether the settings let the module provide capability c.
func (s *Settings) enabled(c toolkit.CapabilityName) bool {
	return slices.Contains(s.FlowType.Capabilities(), c) && !slices.Contains(s.Disable, c)
}
