package github

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lumosgo/lumos/toolkit"
)

func TestValidateCredentials(t *testing.T) {
	e := newEnv(t, envOptions{})
	orgID := e.f.UserID(org)
	e.member("dev", "member")
	e.f.AddToken("ghp_dev", "dev", "read:org")
	e.f.AddToken("ghp_revoked", "dev", "read:org")
	e.f.RevokeToken("ghp_revoked")
	e.f.AddOrg("sso-org")
	e.f.AddMember("sso-org", ownerLogin, "admin")
	e.f.SetSSOEnforced("sso-org", true)

	tests := []struct {
		name     string
		creds    any
		settings map[string]any
		code     string
		want     []string
	}{
		{name: "owner token", creds: tokenCreds(ownerToken)},
		{name: "member token", creds: tokenCreds("ghp_dev")},
		{name: "bad token", creds: tokenCreds("ghp_nope"), code: "unauthorized", want: []string{"Bad credentials"}},
		{name: "revoked token", creds: tokenCreds("ghp_revoked"), code: "unauthorized", want: []string{"Bad credentials", "401"}},
		{name: "unknown org", settings: map[string]any{"org": "nosuchorg"}, code: "not_found", want: []string{`"nosuchorg"`}},
		{name: "SAML SSO enforced", settings: map[string]any{"org": "sso-org"}, code: "permission_denied",
			want: []string{"Resource protected by organization SAML enforcement", "/orgs/sso-org/sso"}},
		{name: "empty token", creds: tokenCreds(" "), code: "unauthorized"},
		{name: "two credentials", creds: []any{
			map[string]any{"id": "token", "token": map[string]any{"token": ownerToken}},
			map[string]any{"id": "oauth", "oauth": map[string]any{"access_token": ownerToken}}}, code: "bad_request", want: []string{"exactly one"}},
		{name: "kind under the wrong id", creds: []any{map[string]any{"id": "oauth", "token": map[string]any{"token": ownerToken}}}, code: "bad_request"},
		{name: "bad base_url", settings: map[string]any{"base_url": "ftp://x"}, code: "bad_request", want: []string{"base_url"}},
		{name: "org missing", settings: map[string]any{"org": ""}, code: "bad_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			c := call{creds: tc.creds, settings: tc.settings}
			if tc.code != "" {
				e.fail("validate_credentials", map[string]any{}, c, tc.code, tc.want...)
				return
			}
			env := e.ok("validate_credentials", map[string]any{}, c)
			got := decode[toolkit.ValidatedCredentials](t, env.Response)
			is.True(got.Valid)
			is.Equal(got.UniqueTenantID, id(orgID))
		})
	}
}

func TestValidateCredentialsPinsAPIVersionAndStatus(t *testing.T) {
	is := newIs(t)
	e := newEnv(t, envOptions{})
	e.resetCounts()
	e.ok("validate_credentials", map[string]any{}, call{})
	calls := e.f.Calls()
	is.Equal(len(calls), 2) // GET /orgs/acme, GET /orgs/acme/members?per_page=1
	for _, c := range calls {
		is.Equal(c.Header.Get("X-GitHub-Api-Version"), APIVersion)
		is.Equal(c.Header.Get("Accept"), "application/vnd.github+json")
		is.Equal(c.Header.Get("Authorization"), "Bearer "+ownerToken)
	}
	// The error envelope keeps GitHub's status.
	err := e.fail("validate_credentials", map[string]any{}, call{creds: tokenCreds("ghp_bad")}, "unauthorized")
	is.True(err.StatusCode != nil && *err.StatusCode == 401)
}

func TestInfoAndAppInfo(t *testing.T) {
	is := newIs(t)
	caps := Integration().Capabilities()
	for _, c := range []toolkit.CapabilityName{toolkit.CapValidateCredentials.Name(), toolkit.CapListAccounts.Name(), toolkit.CapGetAccount.Name(),
		toolkit.CapListResources.Name(), toolkit.CapListEntitlements.Name(), toolkit.CapFindEntitlementAssociations.Name(),
		toolkit.CapGetAccountEntitlementAssociations.Name(), toolkit.CapAssignEntitlement.Name(), toolkit.CapUnassignEntitlement.Name(),
		toolkit.CapCreateAccount.Name(), toolkit.CapDeleteAccount.Name(), toolkit.CapGetAuthorizationURL.Name(), toolkit.CapHandleAuthorizationCallback.Name(),
		toolkit.CapValidateCredentialConfig.Name()} {
		found := false
		for _, have := range caps {
			found = found || have == c
		}
		is.True(found) // capability registered
	}
	for _, c := range caps {
		is.True(c != toolkit.CapGetLastActivity.Name()) // GitHub cannot answer it outside Enterprise Cloud
	}
	var env struct {
		IsError bool `json:"is_error"`
	}
	is.NoErr(json.Unmarshal(Integration().Dispatch(t.Context(), "app_info", []byte(`{"request":{},"settings":{"org":"acme","base_url":"https://ghe.example.com/api/v3"}}`)), &env))
	is.True(!env.IsError)
}

// TestSSOEnforcement: a classic token not authorized for the organization's
// SAML SSO gets permission_denied with GitHub's message and the URL to
// authorize it, from every capability; authorizing it fixes them all.
func TestSSOEnforcement(t *testing.T) {
	e := newEnv(t, envOptions{})
	carol := e.member("carol", "member")
	e.f.AddTeam(org, "Backend", "")
	e.f.SetSSOEnforced(org, true)
	calls := []struct {
		capName string
		req     map[string]any
	}{
		{"validate_credentials", map[string]any{}},
		{"list_accounts", map[string]any{}},
		{"get_account", map[string]any{"account_id": id(carol)}},
		{"list_resources", map[string]any{}},
		{"list_entitlements", map[string]any{}},
		{"find_entitlement_associations", map[string]any{}},
		{"get_account_entitlement_associations", map[string]any{"account_id": id(carol)}},
		{"assign_entitlement", assignReq(carol, EntitlementTypeTeamRole, "team:backend", "member")},
		{"unassign_entitlement", assignReq(carol, EntitlementTypeOrgRole, "", "owner")},
		{"create_account", map[string]any{"email": "sso@example.com", "entitlements": []any{}}},
		{"delete_account", map[string]any{"account_id": id(carol)}},
	}
	for _, c := range calls {
		t.Run(c.capName, func(t *testing.T) {
			err := e.fail(c.capName, c.req, call{}, "permission_denied", "Resource protected by organization SAML enforcement", "/orgs/acme/sso?authorization_request=")
			is := newIs(t)
			is.True(err.StatusCode != nil && *err.StatusCode == 403)
		})
	}
	e.f.AuthorizeSSO(ownerToken, org)
	for _, c := range calls[:7] {
		e.ok(c.capName, c.req, call{})
	}
	// A fine-grained token needs no SSO authorization.
	e.f.AddToken("github_pat_fine", ownerLogin)
	e.ok("list_accounts", map[string]any{}, call{creds: tokenCreds("github_pat_fine")})
}

// TestAuthShorthand checks the request forms: {"auth":{"token":…}}
// and {"auth":{"oauth":…}} are read as the token and oauth credentials.
func TestAuthShorthand(t *testing.T) {
	e := newEnv(t, envOptions{})
	tests := []struct {
		name string
		auth map[string]any
	}{
		{"token", map[string]any{"token": map[string]any{"token": ownerToken}}},
		{"oauth", map[string]any{"oauth": map[string]any{"access_token": ownerToken}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIs(t)
			body, err := json.Marshal(map[string]any{"auth": tt.auth, "request": map[string]any{}, "settings": e.settings(nil)})
			is.NoErr(err)
			var env envelope
			is.NoErr(json.Unmarshal(Integration().Dispatch(toolkit.WithLogger(context.Background(), quiet), "validate_credentials", body), &env))
			is.True(!env.IsError) // the shorthand reaches GitHub with the token
		})
	}
}
