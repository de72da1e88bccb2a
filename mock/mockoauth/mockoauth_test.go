package mockoauth_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/mock/mockoauth"
	"github.com/lumosgo/lumos/oauth/oauthtest"
	"github.com/lumosgo/lumos/toolkit"
)

// oauthCall dispatches a mock-oauth request; auth may be nil (OAuth
// capabilities carry none).
func oauthCall(t *testing.T, capability toolkit.CapabilityName, auth, payload, settings any) result {
	t.Helper()
	doc := map[string]any{"request": payload, "settings": settings}
	if auth != nil {
		doc["auth"] = auth
	}
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.DiscardHandler))
	out := mockoauth.Integration().Dispatch(ctx, string(capability), body)
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%s: %v\n%s", capability, err, out)
	}
	return r
}

func oauthOK[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if r.IsError {
		t.Fatalf("unexpected error %s: %s", r.Error.ErrorCode, r.Error.Message)
	}
	if err := json.Unmarshal(r.Response, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// mock-oauth's code flow with PKCE against a real authorization server, then
// its reads with the token it got.
func TestMockOAuthCodeFlow(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	srv := oauthtest.NewServer(t)
	srv.AddClient("lumos", "lumos-secret", "https://lumos.example")
	settings := map[string]any{"host": "h", "tenant_size": 3, "oauth_base_url": srv.URL + "/"}
	const redirect = "https://lumos.example/oauth/callback"

	au := oauthOK[toolkit.AuthorizationURL](t, oauthCall(t, toolkit.CapGetAuthorizationURL.Name(), nil, toolkit.GetAuthorizationURL{
		ClientID: "lumos", Scopes: []string{}, RedirectURI: redirect, State: "st-1",
	}, settings))
	u, err := url.Parse(au.AuthorizationURL)
	is.NoErr(err)
	is.Equal(u.Scheme+"://"+u.Host+u.Path, srv.URL+"/authorize") // from oauth_base_url
	q := u.Query()
	is.Equal(q.Get("scope"), "accounts:read entitlements:read resources:read profile") // every capability's scopes, once
	is.Equal(q.Get("code_challenge_method"), "S256")
	is.True(au.CodeVerifier != nil)

	back, err := srv.Authorize(context.Background(), au.AuthorizationURL)
	is.NoErr(err)
	bu, err := url.Parse(back)
	is.NoErr(err)
	is.Equal(bu.Query().Get("state"), "st-1")
	is.True(bu.Query().Get("code") != "")

	callback := toolkit.HandleAuthorizationCallback{ClientID: "lumos", ClientSecret: "lumos-secret", RedirectURIWithCode: back, CodeVerifier: au.CodeVerifier}
	creds := oauthOK[toolkit.OAuthCredentials](t, oauthCall(t, toolkit.CapHandleAuthorizationCallback.Name(), nil, callback, settings))
	is.True(creds.AccessToken != "")
	is.Equal(creds.TokenType, toolkit.TokenTypeBearer)
	is.True(creds.RefreshToken != nil)

	// A code is good once.
	r := oauthCall(t, toolkit.CapHandleAuthorizationCallback.Name(), nil, callback, settings)
	is.True(r.IsError)
	is.Equal(r.Error.ErrorCode, "api_error")
	is.Equal(r.Error.AppID, "mock-oauth")

	// The token works for the reads.
	auth := map[string]any{"oauth": map[string]any{"access_token": creds.AccessToken}}
	v := oauthOK[toolkit.ValidatedCredentials](t, oauthCall(t, toolkit.CapValidateCredentials.Name(), auth, map[string]any{}, settings))
	is.Equal(v, toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: mock.TenantID})
	accounts := oauthOK[[]toolkit.FoundAccountData](t, oauthCall(t, toolkit.CapListAccounts.Name(), auth, map[string]any{}, settings))
	is.Equal(len(accounts), 3)
	r = oauthCall(t, toolkit.CapListAccounts.Name(), map[string]any{"basic": map[string]any{"username": "u", "password": "p"}}, map[string]any{}, settings)
	is.Equal(r.Error.ErrorCode, "bad_request") // mock-oauth takes an OAuth credential

	// Refresh, with rotation.
	refreshed := oauthOK[toolkit.OAuthCredentials](t, oauthCall(t, toolkit.CapRefreshAccessToken.Name(), nil, toolkit.RefreshAccessToken{
		ClientID: "lumos", ClientSecret: "lumos-secret", RefreshToken: *creds.RefreshToken,
	}, settings))
	is.True(refreshed.AccessToken != creds.AccessToken)
	is.True(*refreshed.RefreshToken != *creds.RefreshToken)

	reqs := srv.TokenRequests()
	is.Equal(len(reqs), 3)
	is.Equal(reqs[0].Form.Get("grant_type"), "authorization_code")
	is.Equal(reqs[0].Form.Get("redirect_uri"), redirect)
	is.Equal(reqs[0].Form.Get("client_secret"), "lumos-secret") // in the body
	is.Equal(reqs[2].Form.Get("grant_type"), "refresh_token")
}

func TestMockOAuthFailures(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer(t)
	srv.AddClient("lumos", "lumos-secret", "https://lumos.example")
	settings := map[string]any{"host": "h", "oauth_base_url": srv.URL}

	tests := []struct {
		name   string
		change func(*toolkit.HandleAuthorizationCallback)
		code   string
		prefix string
	}{
		{"bad code", func(p *toolkit.HandleAuthorizationCallback) {
			p.RedirectURIWithCode = "https://lumos.example/oauth/callback?code=forged"
		}, "api_error", "[401][" + srv.URL + "/token] OAuth request failed: "},
		{"bad secret", func(p *toolkit.HandleAuthorizationCallback) { p.ClientSecret = "guess" }, "api_error",
			"[401][" + srv.URL + "/token] OAuth request failed: "},
		{"bad verifier", func(p *toolkit.HandleAuthorizationCallback) { p.CodeVerifier = toolkit.Ptr(strings.Repeat("v", 43)) }, "api_error",
			"[401][" + srv.URL + "/token] OAuth request failed: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			au := oauthOK[toolkit.AuthorizationURL](t, oauthCall(t, toolkit.CapGetAuthorizationURL.Name(), nil, toolkit.GetAuthorizationURL{
				ClientID: "lumos", Scopes: []string{"profile"}, RedirectURI: "https://lumos.example/oauth/callback", State: "s",
			}, settings))
			back, err := srv.Authorize(context.Background(), au.AuthorizationURL)
			is.NoErr(err)
			p := toolkit.HandleAuthorizationCallback{ClientID: "lumos", ClientSecret: "lumos-secret", RedirectURIWithCode: back, CodeVerifier: au.CodeVerifier}
			tt.change(&p)
			r := oauthCall(t, toolkit.CapHandleAuthorizationCallback.Name(), nil, p, settings)
			is.True(r.IsError)
			is.Equal(r.Error.ErrorCode, tt.code)
			is.True(strings.HasPrefix(r.Error.Message, tt.prefix))
		})
	}
}

func TestMockOAuthDescribed(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	in := mockoauth.Integration()
	got, ok := toolkit.Lookup("mock-oauth")
	is.True(ok) // registered
	is.True(got == in)

	info, err := in.Info()
	is.NoErr(err)
	is.True(!contains(info.Capabilities, toolkit.CapHandleClientCredentialsRequest.Name())) // code flow only
	for _, c := range []toolkit.CapabilityName{toolkit.CapGetAuthorizationURL.Name(), toolkit.CapHandleAuthorizationCallback.Name(), toolkit.CapRefreshAccessToken.Name(),
		toolkit.CapValidateCredentials.Name(), toolkit.CapListAccounts.Name()} {
		is.True(contains(info.Capabilities, c)) // c
	}
	want := map[string]string{}
	for c, s := range mockoauth.Scopes {
		want[string(c)] = s
	}
	is.Equal(info.OAuthScopes, want)
	is.Equal(info.AuthenticationSchema["x-credential-type"], "oauth")

	// app_info: the default server without settings, the named one with them.
	for _, tc := range []struct {
		settings any
		base     string
	}{{nil, mockoauth.DefaultOAuthBaseURL}, {map[string]any{"host": "h", "oauth_base_url": "https://idp.example/t1"}, "https://idp.example/t1"}} {
		body, _ := json.Marshal(map[string]any{"request": map[string]any{}, "settings": tc.settings})
		var resp struct {
			Response struct {
				AppSchema map[string]any `json:"app_schema"`
			} `json:"response"`
		}
		is.NoErr(json.Unmarshal(in.Dispatch(context.Background(), "app_info", body), &resp))
		doc := resp.Response.AppSchema
		raw, _ := json.Marshal(doc)
		loaded, err := openapi3.NewLoader().LoadFromData(raw)
		is.NoErr(err)
		is.NoErr(loaded.Validate(context.Background())) // valid OpenAPI 3.0, the oauth2 scheme included
		xo := doc["info"].(map[string]any)["x-oauth-settings"].(map[string]any)
		is.Equal(xo["authorization_url"], tc.base+"/authorize")
		is.Equal(xo["token_url"], tc.base+"/token")
		is.Equal(xo["oauth_type"], "CODE_FLOW")
		is.Equal(xo["pkce_enabled"], true)
		flow := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)["mock-oauth"].(map[string]any)["flows"].(map[string]any)["authorizationCode"].(map[string]any)
		is.Equal(flow["authorizationUrl"], tc.base+"/authorize")
		is.Equal(flow["tokenUrl"], tc.base+"/token")
	}
}

func contains(list []toolkit.CapabilityName, c toolkit.CapabilityName) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// result is either envelope a Dispatch call can return.
type result struct {
	Response json.RawMessage `json:"response"`
	RawData  json.RawMessage `json:"raw_data"`
	Page     *toolkit.Page   `json:"page"`
	IsError  bool            `json:"is_error"`
	Error    *struct {
		Message   string `json:"message"`
		ErrorCode string `json:"error_code"`
		AppID     string `json:"app_id"`
	} `json:"error"`
}
