package scim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-oauth2/oauth2/v4"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/scim"
	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
	"github.com/lumosgo/lumos/oauth/oauthtest"
	"github.com/lumosgo/lumos/toolkit"
)

// fixedToken makes an authorization server issue one access token, so a
// SCIM server with a fixed bearer token accepts what the grant issues.
type fixedToken string

func (f fixedToken) Token(context.Context, *oauth2.GenerateBasic, bool) (string, string, error) {
	return string(f), "", nil
}

// TestOAuthClientCredentials runs the client-credentials grant at the
// token_url setting against a real OAuth server, then calls the SCIM
// server with the access token issued as a bearer token.
func TestOAuthClientCredentials(t *testing.T) {
	is := is.New(t)
	as := oauthtest.NewServer(t)
	as.AddClient("scim-client", "scim-secret", "https://app.example")
	grantTarget := scimsuite.Target{BaseURL: "http://127.0.0.1:1/scim/v2", Settings: map[string]any{"token_url": as.URL + "/token"}}
	creds := grantTarget.ClientCredentials(t, "scim-client", "scim-secret")
	reqs := as.TokenRequests()
	is.Equal(len(reqs), 1)
	is.Equal(reqs[0].Form.Get("grant_type"), "client_credentials")
	is.True(reqs[0].Basic) // client_secret_basic, which RFC 6749 §2.3.1 makes every server accept
	issued := creds[0].(map[string]any)["oauth_client_credentials"].(map[string]any)["access_token"].(string)

	f := scimfake.New(scimfake.Options{Token: issued}) // the SCIM server accepts only the issued token
	base, stop := f.Start()
	defer stop()
	f.AddUser(map[string]any{"userName": "ada"})
	tg := scimsuite.Target{BaseURL: base, Credentials: creds}
	tg.OK(t, "validate_credentials", map[string]any{}, nil)
	accs, _ := scimsuite.Drain[account](t, tg, "list_accounts", 10)
	is.Equal(len(accs), 1)

	empty := []any{map[string]any{"id": scim.CredentialOAuthClientCredentials, "oauth_client_credentials": map[string]any{
		"access_token": "", "client_id": "c", "client_secret": "s", "scopes": []string{}}}}
	wrong := []any{map[string]any{"id": scim.CredentialOAuthClientCredentials, "oauth_client_credentials": map[string]any{
		"access_token": "not-issued", "client_id": "c", "client_secret": "s", "scopes": []string{}}}}
	both := append([]any{map[string]any{"id": scim.CredentialToken, "token": map[string]any{"token": issued}}}, creds...)
	cases := []struct {
		name     string
		capName  string
		request  map[string]any
		settings map[string]any
		creds    []any
		code     toolkit.ErrorCode
		want     string
	}{
		{"no_token_url", "handle_client_credentials_request", grant("scim-client", "scim-secret"), nil, creds, "bad_request", "token_url"},
		{"bad_token_url", "handle_client_credentials_request", grant("scim-client", "scim-secret"), map[string]any{"token_url": "ftp://idp/token"}, creds, "bad_request", "token_url"},
		{"wrong_secret", "handle_client_credentials_request", grant("scim-client", "nope"), map[string]any{"token_url": as.URL + "/token"}, creds, "", "invalid_client"},
		{"empty_access_token", "list_accounts", map[string]any{}, nil, empty, "unauthorized", "handle_client_credentials_request"},
		{"token_not_issued", "list_accounts", map[string]any{}, nil, wrong, "unauthorized", ""},
		{"two_credentials", "list_accounts", map[string]any{}, nil, both, "bad_request", "exactly one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			env := scimsuite.Target{BaseURL: base, Settings: c.settings, Credentials: c.creds}.Call(t, c.capName, c.request, nil)
			is.True(env.IsError)
			if c.code != "" {
				is.Equal(env.Error.ErrorCode, c.code)
			}
			is.True(strings.Contains(env.Error.Message, c.want))
		})
	}
}

// TestSuiteOAuth runs the server-facing table against the fake with the
// oauth_client_credentials credential: the grant's token is the only one
// the fake accepts.
func TestSuiteOAuth(t *testing.T) {
	as := oauthtest.NewServer(t)
	as.AddClient("scim-client", "scim-secret", "https://app.example")
	as.Manager.MapAccessGenerate(fixedToken(token))
	_, tg := newTarget(t, scimfake.Options{}, map[string]any{"token_url": as.URL + "/token"})
	tg.Credentials = tg.ClientCredentials(t, "scim-client", "scim-secret")
	scimsuite.Run(t, tg)
}

func grant(id, secret string) map[string]any {
	return map[string]any{"credential_id": scim.CredentialOAuthClientCredentials, "client_id": id, "client_secret": secret, "scopes": []string{}}
}
