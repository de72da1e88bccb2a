package scim_test

import (
	"strings"
	"testing"

	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
	"github.com/lumosgo/lumos/oauth/oauthtest"
	"github.com/lumosgo/lumos/toolkit"
)

// TestTokenAuthMethod: token_auth_method decides how the grant presents the
// client, against a real OAuth server that takes the client only in the
// form body (client_secret_post) or, by default, either way.
func TestTokenAuthMethod(t *testing.T) {
	cases := []struct {
		name     string
		postOnly bool   // the server reads the client from the form body only
		method   string // the token_auth_method setting ("" leaves it out)
		wantOK   bool
		basic    bool // the request authenticated with HTTP Basic
		want     string
	}{
		{name: "default_basic", method: "", wantOK: true, basic: true},
		{name: "basic", method: "client_secret_basic", wantOK: true, basic: true},
		{name: "post", method: "client_secret_post", wantOK: true, basic: false},
		{name: "post_only_server_post", postOnly: true, method: "client_secret_post", wantOK: true, basic: false},
		{name: "post_only_server_default", postOnly: true, method: "", basic: true, want: "invalid_client"},
		{name: "unknown_method", method: "private_key_jwt", want: "token_auth_method"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			as := oauthtest.NewServer(t)
			as.AddClient("scim-client", "scim-secret", "https://app.example")
			if c.postOnly {
				as.OAuth.ClientInfoHandler = server.ClientFormHandler
			}
			settings := map[string]any{"token_url": as.URL + "/token"}
			if c.method != "" {
				settings["token_auth_method"] = c.method
			}
			tg := scimsuite.Target{BaseURL: "http://127.0.0.1:1/scim/v2", Settings: settings}
			env := tg.Call(t, "handle_client_credentials_request", grant("scim-client", "scim-secret"), nil)
			is.Equal(!env.IsError, c.wantOK)
			if !c.wantOK {
				is.True(strings.Contains(env.Error.Message, c.want))         // names what went wrong
				is.True(!strings.Contains(env.Error.Message, "scim-secret")) // and never the secret
			}
			reqs := as.TokenRequests()
			if c.name == "unknown_method" {
				is.Equal(len(reqs), 0) // refused before any request
				return
			}
			is.Equal(len(reqs), 1)
			is.Equal(reqs[0].Basic, c.basic)
			is.Equal(reqs[0].Form.Has("client_secret"), !c.basic) // the secret in one place only
			is.Equal(reqs[0].Form.Has("client_id"), !c.basic)
		})
	}
}

// TestTokenAuthMethodChecked: an unknown token_auth_method is refused by
// every capability, not only by the grant, before any request.
func TestTokenAuthMethodChecked(t *testing.T) {
	is := is.New(t)
	tg := scimsuite.Target{BaseURL: "http://127.0.0.1:1/scim/v2", Settings: map[string]any{"token_auth_method": "Client_Secret_Post"},
		Credentials: []any{map[string]any{"id": "token", "token": map[string]any{"token": "t0ken-value"}}}}
	env := tg.Call(t, "list_accounts", map[string]any{}, nil)
	is.True(env.IsError)
	is.Equal(env.Error.ErrorCode, toolkit.ErrorCode("bad_request"))
	is.True(strings.Contains(env.Error.Message, `token_auth_method "Client_Secret_Post"`))
}
