package scim_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/scim"
	"github.com/lumosgo/lumos/connectors/scim/scimmytest"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
	"github.com/lumosgo/lumos/oauth/oauthtest"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// TestAgainstSCIMMY runs the server-facing table and the conformance suite
// against SCIMMY, a SCIM 2.0 server someone else wrote (npm scimmy and
// scimmy-routers), started on loopback with seeded users and groups.
func TestAgainstSCIMMY(t *testing.T) {
	base, tok := scimmytest.Start(t)
	scimmytest.Seed(t, base, tok, 30, 4)
	for _, c := range []struct {
		name     string
		settings map[string]any
	}{
		{"defaults", nil},
		{"user_groups", map[string]any{"membership_source": "user_groups"}},
		{"users_by_group", map[string]any{"membership_source": "users_by_group", "page_size": 5}},
		{"no_filter_small_pages", map[string]any{"filter_supported": false, "page_size": 7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			scimsuite.Run(t, scimsuite.Target{BaseURL: base, Token: tok, Settings: c.settings, Prefix: "scimmy-" + c.name + "-"})
		})
	}
	t.Run("oauth_client_credentials", func(t *testing.T) {
		as := oauthtest.NewServer(t)
		as.AddClient("scim-client", "scim-secret", "https://app.example")
		as.Manager.MapAccessGenerate(fixedToken(tok)) // the grant issues the token SCIMMY accepts
		tg := scimsuite.Target{BaseURL: base, Token: tok, Settings: map[string]any{"token_url": as.URL + "/token"}, Prefix: "scimmy-oauth-"}
		tg.Credentials = tg.ClientCredentials(t, "scim-client", "scim-secret")
		scimsuite.Run(t, tg)
	})
	t.Run("conformance", func(t *testing.T) {
		connectortest.Conformance(t, scim.Integration(), connectortest.Options{
			Request: map[string]any{"credentials": []any{map[string]any{"id": "token", "token": map[string]any{"token": tok}}},
				"settings": map[string]any{"base_url": base, "token_url": "https://idp.example/oauth/token"}},
			AllowWrites: true,
			PageSize:    7,
		})
	})
}
