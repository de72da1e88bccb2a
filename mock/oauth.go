package mock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// The OAuth capabilities. The mock has no OAuth server and contacts
// nothing: it only imitates the flow, offline and deterministically. The
// authorization URL points at settings.host, which need not exist; the
// tokens are derived from the inputs (never from nor containing the client
// secret, which only has to be non-empty), so the same request always gets
// the same tokens, and they are good for nothing but the mock.

// reservedAuthorizeParams are the parameters get_authorization_url sets
// itself, in this order; form_data cannot replace them.
var reservedAuthorizeParams = []string{"client_id", "response_type", "scope", "redirect_uri", "state"}

// getAuthorizationURL builds
// https://<host>/oauth/authorize?client_id=…&response_type=code&scope=…&redirect_uri=…&state=…
// with the scopes joined by spaces and every value query-escaped ("+" for
// a space), then the form_data values in key order, those named like the
// parameters above left out. No PKCE: code_verifier is null.
func getAuthorizationURL(_ context.Context, req toolkit.GetAuthorizationURLRequest) (toolkit.GetAuthorizationURLResponse, error) {
	p := req.Request
	s, _, err := settingsOf(req.Settings)
	if err != nil {
		return toolkit.GetAuthorizationURLResponse{}, err
	}
	values := []string{p.ClientID, "code", strings.Join(p.Scopes, " "), p.RedirectURI, p.State}
	var b strings.Builder
	b.WriteString("https://" + s.Host + "/oauth/authorize")
	sep := "?"
	for k, name := range reservedAuthorizeParams {
		b.WriteString(sep + name + "=" + url.QueryEscape(values[k]))
		sep = "&"
	}
	extra := make([]string, 0, len(p.FormData))
	for k := range p.FormData {
		if !slices.Contains(reservedAuthorizeParams, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		b.WriteString("&" + url.QueryEscape(k) + "=" + url.QueryEscape(p.FormData[k]))
	}
	return toolkit.GetAuthorizationURLResponse{Response: toolkit.AuthorizationURL{AuthorizationURL: b.String()}}, nil
}

// mockToken derives a token of the given kind from parts.
func mockToken(kind string, parts ...string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + strings.Join(parts, "\x00")))
	return "mock-" + kind + "-" + hex.EncodeToString(sum[:16])
}

// checkClient refuses an empty client id or secret, as a token endpoint would.
func checkClient(id, secret string) error {
	if id == "" || secret == "" {
		return errs.New(errs.Unauthorized, "The mock rejects an empty client_id or client_secret.")
	}
	return nil
}

// handleAuthorizationCallback trades the code in redirect_uri_with_code for
// an access and a refresh token. The redirect must parse and carry a code
// (bad_request); an "error" parameter in it is unauthorized; a state in it
// that differs from the payload's state is bad_request. The state returned
// is the payload's, else the redirect's.
func handleAuthorizationCallback(_ context.Context, req toolkit.HandleAuthorizationCallbackRequest) (toolkit.HandleAuthorizationCallbackResponse, error) {
	p := req.Request
	if _, _, err := settingsOf(req.Settings); err != nil {
		return toolkit.HandleAuthorizationCallbackResponse{}, err
	}
	u, err := url.Parse(p.RedirectURIWithCode)
	if err != nil {
		return toolkit.HandleAuthorizationCallbackResponse{}, errs.New(errs.BadRequest, "Invalid redirect_uri_with_code: it is not a URL")
	}
	q := u.Query()
	if e := q.Get("error"); e != "" {
		return toolkit.HandleAuthorizationCallbackResponse{}, errs.Newf(errs.Unauthorized, "The authorization was refused: %s", e)
	}
	code := q.Get("code")
	if code == "" {
		return toolkit.HandleAuthorizationCallbackResponse{}, errs.New(errs.BadRequest, "Invalid redirect_uri_with_code: it has no code parameter")
	}
	state := p.State
	if q.Has("state") {
		if state != nil && *state != q.Get("state") {
			return toolkit.HandleAuthorizationCallbackResponse{}, errs.New(errs.BadRequest, "The state of the redirect differs from the state of the flow")
		}
		state = toolkit.Ptr(q.Get("state"))
	}
	if err := checkClient(p.ClientID, p.ClientSecret); err != nil {
		return toolkit.HandleAuthorizationCallbackResponse{}, err
	}
	verifier := ""
	if p.CodeVerifier != nil {
		verifier = *p.CodeVerifier
	}
	return toolkit.HandleAuthorizationCallbackResponse{Response: toolkit.OAuthCredentials{
		AccessToken:  mockToken("access", p.ClientID, code, verifier),
		RefreshToken: toolkit.Ptr(mockToken("refresh", p.ClientID, code, verifier)),
		TokenType:    toolkit.TokenTypeBearer,
		State:        state,
	}}, nil
}

// handleClientCredentialsRequest grants an access token (no refresh token)
// derived from the client id and the scopes, in any order.
func handleClientCredentialsRequest(_ context.Context, req toolkit.HandleClientCredentialsRequestRequest) (toolkit.HandleClientCredentialsRequestResponse, error) {
	p := req.Request
	if _, _, err := settingsOf(req.Settings); err != nil {
		return toolkit.HandleClientCredentialsRequestResponse{}, err
	}
	if err := checkClient(p.ClientID, p.ClientSecret); err != nil {
		return toolkit.HandleClientCredentialsRequestResponse{}, err
	}
	scopes := slices.Clone(p.Scopes)
	slices.Sort(scopes)
	return toolkit.HandleClientCredentialsRequestResponse{Response: toolkit.OAuthCredentials{
		AccessToken: mockToken("access", append([]string{p.ClientID, "client_credentials"}, scopes...)...),
		TokenType:   toolkit.TokenTypeBearer,
	}}, nil
}

// refreshAccessToken trades a refresh token for a new access token and a
// new refresh token (rotation), both derived from the client id and the
// refresh token; any non-empty refresh token is accepted (an empty one is
// unauthorized). The state is echoed.
func refreshAccessToken(_ context.Context, req toolkit.RefreshAccessTokenRequest) (toolkit.RefreshAccessTokenResponse, error) {
	p := req.Request
	if _, _, err := settingsOf(req.Settings); err != nil {
		return toolkit.RefreshAccessTokenResponse{}, err
	}
	if err := checkClient(p.ClientID, p.ClientSecret); err != nil {
		return toolkit.RefreshAccessTokenResponse{}, err
	}
	if p.RefreshToken == "" {
		return toolkit.RefreshAccessTokenResponse{}, errs.New(errs.Unauthorized, "The mock rejects an empty refresh_token.")
	}
	return toolkit.RefreshAccessTokenResponse{Response: toolkit.OAuthCredentials{
		AccessToken:  mockToken("access", p.ClientID, "refresh", p.RefreshToken),
		RefreshToken: toolkit.Ptr(mockToken("refresh", p.ClientID, "refresh", p.RefreshToken)),
		TokenType:    toolkit.TokenTypeBearer,
		State:        p.State,
	}}, nil
}

// validateCredentialConfig checks a credential against the mock's single
// credential, basic auth, as validate_credentials does but without an
// error: valid when it is a basic credential with a non-empty username and
// password and no other kind, else valid false with the problems. Its id,
// if any, is not checked (the mock declares no credential configs).
func validateCredentialConfig(_ context.Context, req toolkit.ValidateCredentialConfigRequest) (toolkit.ValidateCredentialConfigResponse, error) {
	if _, _, err := settingsOf(req.Settings); err != nil {
		return toolkit.ValidateCredentialConfigResponse{}, err
	}
	c := req.Request.Credential
	var problems []string
	others := c.OAuth != nil || c.OAuthClientCredentials != nil || c.OAuth1 != nil || c.Token != nil ||
		c.JWT != nil || c.ServiceAccount != nil || c.KeyPair != nil
	if others {
		problems = append(problems, "The mock takes only a basic credential (a username and a password).")
	}
	if c.Basic == nil {
		if !others {
			problems = append(problems, "The basic credential (a username and a password) is missing.")
		}
	} else {
		if c.Basic.Username == "" {
			problems = append(problems, "The username is empty.")
		}
		if c.Basic.Password == "" {
			problems = append(problems, "The password is empty.")
		}
	}
	return toolkit.ValidateCredentialConfigResponse{Response: toolkit.ValidatedCredentialConfig{Valid: len(problems) == 0, ValidationErrors: problems}}, nil
}
