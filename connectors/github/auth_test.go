package github

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
)

// dispatchDoc runs a capability on a whole request document (for the
// capabilities that take no credentials).
func (e *env) dispatchDoc(capName string, doc map[string]any) envelope {
	e.t.Helper()
	body, err := json.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	var env envelope
	if err := json.Unmarshal(Integration().Dispatch(toolkit.WithLogger(context.Background(), quiet), capName, body), &env); err != nil {
		e.t.Fatal(err)
	}
	return env
}

func TestOAuthCodeFlow(t *testing.T) {
	for _, prefix := range []string{"", "/api/v3"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			is := newIs(t)
			e := newEnv(t, envOptions{prefix: prefix})
			e.member("dev", "member")
			e.f.AddOAuthApp(githubfake.OAuthApp{ClientID: "Ov23liClient", ClientSecret: "oauth-secret", CallbackURL: "https://lumos.example/callback", User: "dev"})
			settings := e.settings(nil)

			env := e.dispatchDoc("get_authorization_url", map[string]any{"settings": settings, "request": map[string]any{
				"client_id": "Ov23liClient", "scopes": []string{}, "redirect_uri": "https://lumos.example/callback", "state": "xyz"}})
			is.True(!env.IsError)
			got := decode[toolkit.AuthorizationURL](t, env.Response)
			// The web host, not the REST prefix: https://HOST/login/oauth/authorize.
			is.True(strings.HasPrefix(got.AuthorizationURL, e.srv.URL+"/login/oauth/authorize?client_id=Ov23liClient&response_type=code&scope=admin%3Aorg+repo+read%3Aorg&redirect_uri=")) // got.AuthorizationURL

			// The user approves: the fake redirects to the callback with a code.
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(got.AuthorizationURL)
			is.NoErr(err)
			resp.Body.Close()
			is.Equal(resp.StatusCode, http.StatusFound)
			redirect := resp.Header.Get("Location")
			is.True(strings.HasPrefix(redirect, "https://lumos.example/callback?"))

			env = e.dispatchDoc("handle_authorization_callback", map[string]any{"settings": settings, "request": map[string]any{
				"client_id": "Ov23liClient", "client_secret": "oauth-secret", "redirect_uri_with_code": redirect, "state": "xyz"}})
			is.True(!env.IsError)
			tok := decode[toolkit.OAuthCredentials](t, env.Response)
			is.True(strings.HasPrefix(tok.AccessToken, "gho_"))

			oauthCreds := []any{map[string]any{"id": CredentialOAuth, "oauth": map[string]any{"access_token": tok.AccessToken}}}
			v := decode[toolkit.ValidatedCredentials](t, e.ok("validate_credentials", map[string]any{}, call{creds: oauthCreds}).Response)
			is.Equal(v.UniqueTenantID, id(e.f.UserID(org)))
			accounts := decode[[]toolkit.FoundAccountData](t, e.ok("list_accounts", map[string]any{}, call{creds: oauthCreds, settings: map[string]any{"include_pending_invitations": false}}).Response)
			is.Equal(len(accounts), 2) // boss and dev

			// A reused code is GitHub's 200-with-error.
			env = e.dispatchDoc("handle_authorization_callback", map[string]any{"settings": settings, "request": map[string]any{
				"client_id": "Ov23liClient", "client_secret": "oauth-secret", "redirect_uri_with_code": redirect}})
			is.True(env.IsError)
			is.True(strings.Contains(env.Error.Message, "bad_verification_code"))
		})
	}
}

func TestOAuthURLsDerivedFromHost(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://api.github.com", "https://github.com/login/oauth/authorize?"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/login/oauth/authorize?"},
		{"https://api.acme.ghe.com", "https://acme.ghe.com/login/oauth/authorize?"},
		{"", "https://github.com/login/oauth/authorize?"},
	}
	for _, tc := range tests {
		t.Run(tc.base, func(t *testing.T) {
			is := newIs(t)
			e := &env{t: t}
			settings := map[string]any{"org": org}
			if tc.base != "" {
				settings["base_url"] = tc.base
			}
			env := e.dispatchDoc("get_authorization_url", map[string]any{"settings": settings, "request": map[string]any{
				"client_id": "c", "scopes": []string{"read:org"}, "redirect_uri": "https://app.example/cb", "state": "s"}})
			is.True(!env.IsError)
			is.True(strings.HasPrefix(decode[toolkit.AuthorizationURL](t, env.Response).AuthorizationURL, tc.want))
		})
	}
}

var (
	appKeyOnce sync.Once
	appRSAKey  *rsa.PrivateKey
)

func testAppKey(t *testing.T) *rsa.PrivateKey {
	appKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		appRSAKey = k
	})
	return appRSAKey
}

// pemPKCS1 is the key as GitHub's .pem file holds it, without the final
// newline (validate_credential_config counts it as stray whitespace).
func pemPKCS1(k *rsa.PrivateKey) string {
	return strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})))
}

func pemPKCS8(t *testing.T, k *rsa.PrivateKey) string {
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b})))
}

func appCreds(keyID, key string) any {
	return []any{map[string]any{"id": CredentialApp, "key_pair": map[string]any{"key_identifier": keyID, "private_key": key}}}
}

func TestGitHubAppInstallation(t *testing.T) {
	e := newEnv(t, envOptions{})
	key := testAppKey(t)
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	e.f.AddApp(githubfake.App{ID: 4242, ClientID: "Iv23liAppClient", PublicKey: &key.PublicKey})
	inst := e.f.AddInstallation(4242, org, map[string]string{"members": "write", "administration": "write", "metadata": "read"})
	e.f.AddOrg("elsewhere")
	e.f.AddApp(githubfake.App{ID: 5151, PublicKey: &key.PublicKey})
	suspended := e.f.AddInstallation(5151, org, nil)
	e.f.SuspendInstallation(suspended, true)
	e.member("dev", "member")

	tests := []struct {
		name     string
		creds    any
		settings map[string]any
		requests int // upstream requests of validate_credentials
		code     string
		want     []string
	}{
		{name: "app id, installation looked up", creds: appCreds("4242", pemPKCS1(key)), requests: 4},
		{name: "client id, installation given", creds: appCreds("Iv23liAppClient", pemPKCS8(t, key)), settings: map[string]any{"app_installation_id": inst}, requests: 3},
		{name: "wrong key", creds: appCreds("4242", pemPKCS1(other)), code: "unauthorized", want: []string{"JWT", "A JSON web token could not be decoded"}},
		{name: "unknown app", creds: appCreds("999", pemPKCS1(key)), code: "unauthorized", want: []string{"Integration not found"}},
		{name: "not installed on the org", creds: appCreds("4242", pemPKCS1(key)), settings: map[string]any{"org": "elsewhere"}, code: "not_found", want: []string{`"elsewhere"`}},
		{name: "suspended installation", creds: appCreds("5151", pemPKCS1(key)), code: "permission_denied", want: []string{"suspended"}},
		{name: "unknown installation id", creds: appCreds("4242", pemPKCS1(key)), settings: map[string]any{"app_installation_id": 77}, code: "not_found", want: []string{"installation 77"}},
		{name: "not a PEM key", creds: appCreds("4242", "ghp_not_a_key"), code: "bad_request", want: []string{"PEM"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			e.resetCounts()
			c := call{creds: tc.creds, settings: tc.settings}
			if tc.code != "" {
				e.fail("validate_credentials", map[string]any{}, c, tc.code, tc.want...)
				return
			}
			v := decode[toolkit.ValidatedCredentials](t, e.ok("validate_credentials", map[string]any{}, c).Response)
			is.Equal(v.UniqueTenantID, id(e.f.UserID(org)))
			is.Equal(e.requestCount(), tc.requests)
			// The installation token reads and writes like a PAT.
			accounts := decode[[]toolkit.FoundAccountData](t, e.ok("list_accounts", map[string]any{}, c).Response)
			is.Equal(len(accounts), 2)
			env := e.ok("assign_entitlement", assignReq(e.f.UserID("dev"), EntitlementTypeOrgRole, "", "owner"), c)
			is.Equal(effectOf(t, env), toolkit.EffectUpdated)
			is.Equal(e.f.Members(org)["dev"], "admin")
			e.f.AddMember(org, "dev", "member")
		})
	}
}

func TestValidateCredentialConfig(t *testing.T) {
	key := testAppKey(t)
	e := &env{t: t}
	tests := []struct {
		name  string
		cred  map[string]any
		valid bool
		want  string
	}{
		{name: "app key", cred: map[string]any{"id": "app", "key_pair": map[string]any{"key_identifier": "4242", "private_key": pemPKCS1(key)}}, valid: true},
		{name: "app key, client id", cred: map[string]any{"id": "app", "key_pair": map[string]any{"key_identifier": "Iv23liX", "private_key": pemPKCS8(t, key)}}, valid: true},
		{name: "app garbage key", cred: map[string]any{"id": "app", "key_pair": map[string]any{"key_identifier": "4242", "private_key": "nope"}}, want: "PEM"},
		{name: "app negative id", cred: map[string]any{"id": "app", "key_pair": map[string]any{"key_identifier": "-3", "private_key": pemPKCS1(key)}}, want: "App ID"},
		{name: "token", cred: map[string]any{"id": "token", "token": map[string]any{"token": "ghp_x"}}, valid: true},
		{name: "token with spaces", cred: map[string]any{"id": "token", "token": map[string]any{"token": " ghp_x "}}, want: "whitespace"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			env := e.dispatchDoc("validate_credential_config", map[string]any{"request": map[string]any{"credential": tc.cred}, "settings": map[string]any{"org": org}})
			is.True(!env.IsError)
			got := decode[toolkit.ValidatedCredentialConfig](t, env.Response)
			is.Equal(got.Valid, tc.valid)
			if tc.want != "" {
				is.True(len(got.ValidationErrors) == 1 && strings.Contains(got.ValidationErrors[0], tc.want))
			}
		})
	}
}

// TestEnterpriseServerPrefix runs reads and a write against a fake served
// under /api/v3, with GitHub's /organizations/{id}/… Link URLs.
func TestEnterpriseServerPrefix(t *testing.T) {
	is := newIs(t)
	e := newEnv(t, envOptions{prefix: "/api/v3", linkByID: true})
	for i := range 150 {
		e.member("dev"+pad(i), "member")
	}
	accounts, calls := drain[toolkit.FoundAccountData](e, "list_accounts", map[string]any{}, call{}, 100)
	is.Equal(len(accounts), 151)
	is.Equal(calls, 3) // owner page (1), members 1-100, members 101-150
	for _, c := range e.f.Calls() {
		is.True(strings.HasPrefix(c.Path, "/api/v3/"))
	}
	u, err := url.Parse(e.base)
	is.NoErr(err)
	is.Equal(u.Path, "/api/v3")
}
