package mock_test

import (
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/redact"
)

// okUnauth runs an OAuth or validation call that must succeed and returns
// its result and the whole document.
func okUnauth[T any](t *testing.T, capability string, payload any) (T, string) {
	t.Helper()
	v, _ := ok[T](t, capability, unauth(payload))
	return v, string(dispatchRaw(t, capability, unauth(payload)))
}

func TestGetAuthorizationURL(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    toolkit.GetAuthorizationURL
		want string
	}{
		{"plain", toolkit.GetAuthorizationURL{ClientID: "client", Scopes: []string{"read"}, RedirectURI: "https://app.example.com/cb", State: "xyz"},
			"https://mock.example.com/oauth/authorize?client_id=client&response_type=code&scope=read&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=xyz"},
		{"escaped", toolkit.GetAuthorizationURL{ClientID: "my client", Scopes: []string{"read", "write all", "a:b"},
			RedirectURI: "https://app.example.com/cb?x=1&y=é", State: "s t&u=v"},
			"https://mock.example.com/oauth/authorize?client_id=my+client&response_type=code&scope=read+write+all+a%3Ab" +
				"&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1%26y%3D%C3%A9&state=s+t%26u%3Dv"},
		{"no scopes", toolkit.GetAuthorizationURL{ClientID: "c", Scopes: []string{}, RedirectURI: "r", State: "s"},
			"https://mock.example.com/oauth/authorize?client_id=c&response_type=code&scope=&redirect_uri=r&state=s"},
		{"form data after, in key order, not replacing", toolkit.GetAuthorizationURL{ClientID: "c", Scopes: []string{"x"}, RedirectURI: "r", State: "s",
			FormData: map[string]string{"prompt": "select account", "access_type": "offline", "client_id": "evil", "state": "evil"}},
			"https://mock.example.com/oauth/authorize?client_id=c&response_type=code&scope=x&redirect_uri=r&state=s&access_type=offline&prompt=select+account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got, _ := okUnauth[toolkit.AuthorizationURL](t, "get_authorization_url", tc.p)
			is.Equal(got.AuthorizationURL, tc.want)
			is.Equal(got.CodeVerifier, nil)
		})
	}
	// The host is the settings' host; settings are required.
	is := is.New(t)
	c := unauth(toolkit.GetAuthorizationURL{ClientID: "c", Scopes: []string{}, RedirectURI: "r", State: "s"})
	c.Settings = map[string]any{"host": "login.example.net"}
	got, _ := ok[toolkit.AuthorizationURL](t, "get_authorization_url", c)
	is.True(strings.HasPrefix(got.AuthorizationURL, "https://login.example.net/oauth/authorize?client_id=c&"))
	c.Settings = nil
	mustFailCall(t, "get_authorization_url", c, "bad_request")
}

const clientSecret = "very-secret-client-value"

// checkNoSecret fails when the document shows the client secret, or shows
// that something was masked (a token must never be a request secret).
func checkNoSecret(t *testing.T, doc string) {
	t.Helper()
	if strings.Contains(doc, clientSecret) || strings.Contains(doc, redact.Mask) {
		t.Fatalf("the document leaks or masks a secret: %s", doc)
	}
}

func TestHandleAuthorizationCallback(t *testing.T) {
	is := is.New(t)
	p := toolkit.HandleAuthorizationCallback{ClientID: "client", ClientSecret: clientSecret,
		RedirectURIWithCode: "https://app.example.com/cb?code=abc123&state=xyz", State: toolkit.Ptr("xyz")}
	got, doc := okUnauth[toolkit.OAuthCredentials](t, "handle_authorization_callback", p)
	checkNoSecret(t, doc)
	is.True(strings.HasPrefix(got.AccessToken, "mock-access-"))
	is.True(got.RefreshToken != nil && strings.HasPrefix(*got.RefreshToken, "mock-refresh-"))
	is.Equal(got.TokenType, toolkit.TokenTypeBearer)
	is.Equal(*got.State, "xyz")

	// The state of the redirect is returned when the payload has none.
	p2 := p
	p2.State = nil
	got2, _ := okUnauth[toolkit.OAuthCredentials](t, "handle_authorization_callback", p2)
	is.Equal(*got2.State, "xyz")
	is.Equal(got2.AccessToken, got.AccessToken) // the tokens depend on the client and the code only

	// Another code, another client or another secret.
	other := p
	other.RedirectURIWithCode = "https://app.example.com/cb?code=def456&state=xyz"
	got3, _ := okUnauth[toolkit.OAuthCredentials](t, "handle_authorization_callback", other)
	is.True(got3.AccessToken != got.AccessToken)
	other = p
	other.ClientSecret = "another-secret-value"
	got4, _ := okUnauth[toolkit.OAuthCredentials](t, "handle_authorization_callback", other)
	is.Equal(got4.AccessToken, got.AccessToken) // the secret is not part of the token

	for _, tc := range []struct {
		name string
		edit func(*toolkit.HandleAuthorizationCallback)
		code string
	}{
		{"no code", func(p *toolkit.HandleAuthorizationCallback) {
			p.RedirectURIWithCode = "https://app.example.com/cb?state=xyz"
		}, "bad_request"},
		{"not a URL", func(p *toolkit.HandleAuthorizationCallback) { p.RedirectURIWithCode = "http://[::1" }, "bad_request"},
		{"refused", func(p *toolkit.HandleAuthorizationCallback) {
			p.RedirectURIWithCode = "https://app.example.com/cb?error=access_denied&state=xyz"
		}, "unauthorized"},
		{"state mismatch", func(p *toolkit.HandleAuthorizationCallback) { p.State = toolkit.Ptr("other") }, "bad_request"},
		{"empty secret", func(p *toolkit.HandleAuthorizationCallback) { p.ClientSecret = "" }, "unauthorized"},
		{"empty client", func(p *toolkit.HandleAuthorizationCallback) { p.ClientID = "" }, "unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := p
			tc.edit(&q)
			msg, _ := mustFailCall(t, "handle_authorization_callback", unauth(q), tc.code)
			is.New(t).True(!strings.Contains(msg, clientSecret))
		})
	}
}

func TestHandleClientCredentialsRequest(t *testing.T) {
	is := is.New(t)
	p := toolkit.HandleClientCredentials{ClientID: "client", ClientSecret: clientSecret, Scopes: []string{"read", "write"}}
	got, doc := okUnauth[toolkit.OAuthCredentials](t, "handle_client_credentials_request", p)
	checkNoSecret(t, doc)
	is.True(strings.HasPrefix(got.AccessToken, "mock-access-"))
	is.Equal(got.RefreshToken, nil)
	is.Equal(got.TokenType, toolkit.TokenTypeBearer)
	p.Scopes = []string{"write", "read"}
	again, _ := okUnauth[toolkit.OAuthCredentials](t, "handle_client_credentials_request", p)
	is.Equal(again.AccessToken, got.AccessToken) // the scopes in any order
	p.Scopes = []string{"read"}
	fewer, _ := okUnauth[toolkit.OAuthCredentials](t, "handle_client_credentials_request", p)
	is.True(fewer.AccessToken != got.AccessToken)
	p.ClientSecret = ""
	mustFailCall(t, "handle_client_credentials_request", unauth(p), "unauthorized")
}

func TestRefreshAccessToken(t *testing.T) {
	is := is.New(t)
	first, _ := okUnauth[toolkit.OAuthCredentials](t, "handle_authorization_callback", toolkit.HandleAuthorizationCallback{ClientID: "client",
		ClientSecret: clientSecret, RedirectURIWithCode: "https://app.example.com/cb?code=abc123"})
	p := toolkit.RefreshAccessToken{ClientID: "client", ClientSecret: clientSecret, RefreshToken: *first.RefreshToken, State: toolkit.Ptr("s1")}
	got, doc := okUnauth[toolkit.OAuthCredentials](t, "refresh_access_token", p)
	checkNoSecret(t, doc)
	is.True(got.AccessToken != first.AccessToken)
	is.True(got.RefreshToken != nil && *got.RefreshToken != *first.RefreshToken) // rotated
	is.Equal(*got.State, "s1")
	is.Equal(got.TokenType, toolkit.TokenTypeBearer)
	again, _ := okUnauth[toolkit.OAuthCredentials](t, "refresh_access_token", p)
	is.Equal(again, got) // deterministic
	p.RefreshToken = ""
	mustFailCall(t, "refresh_access_token", unauth(p), "unauthorized")
	p.RefreshToken, p.ClientSecret = "x", ""
	mustFailCall(t, "refresh_access_token", unauth(p), "unauthorized")
}

func TestValidateCredentialConfig(t *testing.T) {
	basic := func(u, p string) map[string]any {
		return map[string]any{"basic": map[string]any{"username": u, "password": p}}
	}
	for _, tc := range []struct {
		name       string
		credential map[string]any
		valid      bool
		errors     int
	}{
		{"valid", basic("u", "p"), true, 0},
		{"valid with an id", map[string]any{"id": "anything", "basic": map[string]any{"username": "u", "password": "p"}}, true, 0},
		{"empty username", basic("", "p"), false, 1},
		{"empty password", basic("u", ""), false, 1},
		{"both empty", basic("", ""), false, 2},
		{"token", map[string]any{"token": map[string]any{"token": "t"}}, false, 1},
		{"basic and token", map[string]any{"token": map[string]any{"token": "t"}, "basic": map[string]any{"username": "u", "password": "p"}}, false, 1},
		{"nothing", map[string]any{}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got, _ := okUnauth[toolkit.ValidatedCredentialConfig](t, "validate_credential_config", map[string]any{"credential": tc.credential})
			is.Equal(got.Valid, tc.valid)
			is.Equal(len(got.ValidationErrors), tc.errors)
		})
	}
	mustFailCall(t, "validate_credential_config", unauth(map[string]any{}), "bad_request") // credential required
}
