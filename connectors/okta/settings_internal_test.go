package okta

import (
	"encoding/json"
	"testing"

	"github.com/matryer/is"
)

// TestDecodeSettings: the domain becomes an https base URL, defaults apply,
// and loopback http is accepted for tests.
func TestDecodeSettings(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]any
		base     string
		pageSize int
		scopes   string
	}{
		{"domain", map[string]any{"domain": " acme.okta.com "}, "https://acme.okta.com", 200, DefaultScopes},
		{"preview_domain", map[string]any{"domain": "acme.oktapreview.com"}, "https://acme.oktapreview.com", 200, DefaultScopes},
		{"custom_domain", map[string]any{"domain": "login.acme.com"}, "https://login.acme.com", 200, DefaultScopes},
		{"base_url_slash", map[string]any{"base_url": "https://acme.okta.com/"}, "https://acme.okta.com", 200, DefaultScopes},
		{"loopback_http", map[string]any{"base_url": "http://127.0.0.1:8080"}, "http://127.0.0.1:8080", 200, DefaultScopes},
		{"localhost_http", map[string]any{"base_url": "http://localhost:1"}, "http://localhost:1", 200, DefaultScopes},
		{"page_size", map[string]any{"domain": "a.okta.com", "page_size": 50}, "https://a.okta.com", 50, DefaultScopes},
		{"scopes", map[string]any{"domain": "a.okta.com", "oauth_scopes": "  okta.users.read\n okta.users.manage "}, "https://a.okta.com", 200, "okta.users.read okta.users.manage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			raw, _ := json.Marshal(c.settings)
			s, err := decodeSettings(raw)
			is.NoErr(err)
			is.Equal(s.BaseURL, c.base)
			is.Equal(s.PageSize, c.pageSize)
			is.Equal(s.OAuthScopes, c.scopes)
		})
	}
}

// TestAccountStatus: every status Okta documents has its Lumos status.
func TestAccountStatus(t *testing.T) {
	is := is.New(t)
	want := map[string]string{"STAGED": "PENDING", "PROVISIONED": "PENDING", "ACTIVE": "ACTIVE", "RECOVERY": "ACTIVE",
		"PASSWORD_EXPIRED": "ACTIVE", "LOCKED_OUT": "SUSPENDED", "SUSPENDED": "SUSPENDED", "DEPROVISIONED": "DEPROVISIONED", "NEW_THING": "INACTIVE"}
	for okta, lumos := range want {
		is.Equal(string(accountStatus(okta)), lumos)
	}
}
