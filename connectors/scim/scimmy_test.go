package scim_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/scim"
	"github.com/lumosgo/lumos/connectors/scim/scimmytest"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
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
		{"no_filter_small_pages", map[string]any{"filter_supported": false, "page_size": 7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			scimsuite.Run(t, scimsuite.Target{BaseURL: base, Token: tok, Settings: c.settings, Prefix: "scimmy-" + c.name + "-"})
		})
	}
	t.Run("conformance", func(t *testing.T) {
		connectortest.Conformance(t, scim.Integration, connectortest.Options{
			Request: map[string]any{"credentials": []any{map[string]any{"id": "token", "token": map[string]any{"token": tok}}},
				"settings": map[string]any{"base_url": base}},
			AllowWrites: true,
			PageSize:    7,
		})
	})
}
