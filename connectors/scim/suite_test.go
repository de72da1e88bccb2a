package scim_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
)

const token = "scim-test-token-0123456789"

// newTarget starts a fake with o (the token set) and returns the suite's
// target for it.
func newTarget(t *testing.T, o scimfake.Options, settings map[string]any) (*scimfake.Fake, scimsuite.Target) {
	t.Helper()
	o.Token = token
	f := scimfake.New(o)
	base, stop := f.Start()
	t.Cleanup(stop)
	return f, scimsuite.Target{BaseURL: base, Token: token, Settings: settings, Prefix: "t-"}
}

// TestSuite runs the server-facing table against the fake in each dialect.
func TestSuite(t *testing.T) {
	cases := []struct {
		name     string
		o        scimfake.Options
		settings map[string]any
	}{
		{"defaults", scimfake.Options{}, nil},
		{"user_groups", scimfake.Options{}, map[string]any{"membership_source": "user_groups"}},
		{"users_by_group", scimfake.Options{ShortPages: 2}, map[string]any{"membership_source": "users_by_group", "page_size": 3}},
		{"capitalized_ops", scimfake.Options{}, map[string]any{"patch_op_case": "capitalized"}},
		{"no_filter", scimfake.Options{NoFilter: true}, map[string]any{"filter_supported": false}},
		{"no_discovery_short_pages", scimfake.Options{NoDiscovery: true, ShortPages: 1}, map[string]any{"page_size": 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, tg := newTarget(t, c.o, c.settings)
			scimsuite.Run(t, tg)
		})
	}
}
