package okta_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// TestServiceApp: the service_app credential mints an access token at
// /oauth2/v1/token with a private-key JWT client assertion and sends it as
// a bearer token; the token endpoint's refusals and missing scopes map to
// unauthorized and permission_denied.
func TestServiceApp(t *testing.T) {
	key, pemKey := newKey(t)
	_, otherPEM := newKey(t)
	readScopes := []string{"okta.users.read", "okta.groups.read", "okta.apps.read", "okta.roles.read", "okta.orgs.read"}
	cases := []struct {
		name     string
		pem      string
		client   string
		granted  []string
		settings map[string]any
		capName  string
		request  map[string]any
		code     string // "" for a success
		want     string
	}{
		{name: "reads", pem: pemKey, client: clientID, granted: readScopes, capName: "list_accounts"},
		{name: "kid", pem: pemKey, client: clientID, granted: readScopes, settings: map[string]any{"oauth_key_id": "key-1"}, capName: "validate_credentials"},
		{name: "wrong_kid", pem: pemKey, client: clientID, granted: readScopes, settings: map[string]any{"oauth_key_id": "key-2"}, capName: "list_accounts", code: "unauthorized", want: "kid"},
		{name: "other_key", pem: otherPEM, client: clientID, granted: readScopes, capName: "list_accounts", code: "unauthorized", want: "invalid_client"},
		{name: "unknown_client", pem: pemKey, client: "0oanope", granted: readScopes, capName: "list_accounts", code: "unauthorized", want: "invalid_client"},
		{name: "scope_not_granted", pem: pemKey, client: clientID, granted: readScopes[:1], capName: "list_accounts", code: "permission_denied", want: "invalid_scope"},
		{name: "scope_missing_for_groups", pem: pemKey, client: clientID, granted: readScopes, settings: map[string]any{"oauth_scopes": "okta.users.read okta.orgs.read"},
			capName: "list_entitlements", code: "permission_denied", want: "required scopes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newEnv(t, c.settings)
			e.f.AddUsers(2)
			e.f.AddServiceApp(clientID, &key.PublicKey, "key-1", c.granted...)
			e.creds = appCreds(c.client, c.pem)
			if c.code != "" {
				e.fail(c.capName, map[string]any{}, toolkit.ErrorCode(c.code), c.want)
				return
			}
			env := e.ok(c.capName, map[string]any{}, nil)
			is.True(len(e.f.MintedTokens()) == 1) // one token for the call
			if c.capName == "list_accounts" {
				var accs []account
				is.NoErr(json.Unmarshal(env.Response, &accs))
				is.Equal(len(accs), 2)
			}
		})
	}
}

// TestValidateCredentialConfig: the service_app credential's key is
// checked without a request.
func TestValidateCredentialConfig(t *testing.T) {
	_, pemKey := newKey(t)
	cases := []struct {
		name  string
		pem   string
		valid bool
	}{
		{"good", strings.TrimSpace(pemKey), true},
		{"garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", false},
		{"not_pem", "hello", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := &env{t: t, settings: map[string]any{"domain": "acme.okta.com"}, creds: appCreds(clientID, c.pem)}
			env := e.call("validate_credential_config", map[string]any{"credential": appCreds(clientID, c.pem)[0]}, nil)
			var v struct {
				Valid bool `json:"valid"`
			}
			_ = json.Unmarshal(env.Response, &v)
			is.Equal(v.Valid, c.valid)
		})
	}
}
