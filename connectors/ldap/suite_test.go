package ldap_test

import (
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/matryer/is"
)

// TestConformance runs the toolkit's conformance suite, writes included,
// against slapd in each membership shape.
func TestConformance(t *testing.T) {
	cases := []struct{ flavor, class string }{
		{"openldap", "groupOfNames"},
		{"rfc2307", "posixGroup"},
	}
	for _, c := range cases {
		t.Run(c.flavor, func(t *testing.T) {
			tg := start(t, ldaptest.Options{LDIF: seeded(c.class)}, map[string]any{"flavor": c.flavor})
			connectortest.Conformance(t, ldap.Integration(), connectortest.Options{
				Request:     tg.request(nil, nil),
				AllowWrites: true,
				PageSize:    3,
			})
		})
	}
}

// TestBindPasswordNeverLeaks runs every capability, failing and succeeding,
// and looks for the bind password in every answer and log record.
func TestBindPasswordNeverLeaks(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames")}, nil)
	groups, users := byName(t, tg)
	wrong := *tg
	wrong.password = "Wrong/Bind+Password-0123456789"
	newPassword := "New+Account/Password-9876543210"
	ref := map[string]any{"account_integration_specific_id": users["u00003"], "resource_type": "directory", "resource_integration_specific_id": "",
		"entitlement_type": "group_member", "entitlement_integration_specific_id": groups["admins"]}
	calls := []struct {
		capName string
		payload map[string]any
	}{
		{"validate_credentials", map[string]any{}},
		{"list_accounts", map[string]any{}},
		{"get_account", map[string]any{"account_id": users["u00003"]}},
		{"get_account", map[string]any{"account_id": "no-such-id"}},
		{"list_entitlements", map[string]any{}},
		{"find_entitlement_associations", map[string]any{}},
		{"get_account_entitlement_associations", map[string]any{"account_id": users["u00003"]}},
		{"assign_entitlement", ref},
		{"unassign_entitlement", ref},
		{"create_account", map[string]any{"username": "u00001", "entitlements": []any{}}},
		{"create_account", map[string]any{"username": "leak-pw", "password": newPassword, "entitlements": []any{}}},
		{"create_account", map[string]any{"username": "u00002", "password": newPassword, "entitlements": []any{}}},
		{"update_account", map[string]any{"id": users["u00003"], "password": newPassword, "email": "leak@lumos.test"}},
		{"update_account", map[string]any{"id": users["u00003"], "password": newPassword, "family_name": ""}},
		{"update_account", map[string]any{"id": "no-such-id", "password": newPassword}},
		{"update_account", map[string]any{"id": users["u00004"], "password": ""}},
		{"create_account", map[string]any{"username": "leak-mc", "password": newPassword, "must_change_password": true, "entitlements": []any{}}},
		{"update_account", map[string]any{"id": users["u00005"], "password": newPassword, "must_change_password": true}},
		{"update_account", map[string]any{"id": users["u00005"], "email": "mc@lumos.test", "must_change_password": true}},
	}
	targets := []*target{tg, &wrong, tg.with(map[string]any{"url": tg.srv.LDAPSURL}), tg.with(map[string]any{"users_base_dn": "ou=x,dc=nowhere"}),
		// the reader's own bind failing after StartTLS and over ldaps://
		wrong.with(map[string]any{"start_tls": true, "ca_certificate": tg.srv.CAPEM}),
		wrong.with(map[string]any{"url": tg.srv.LDAPSURL, "ca_certificate": tg.srv.CAPEM})}
	for _, target := range targets {
		for _, c := range calls {
			target.call(t, c.capName, c.payload, nil)
		}
	}
	for _, secret := range []string{tg.password, wrong.password, newPassword} {
		is.True(!strings.Contains(tg.outputs.String(), secret)) // never in an answer
		is.True(!strings.Contains(tg.logs.String(), secret))    // never in a log record
	}
	is.True(strings.Contains(tg.outputs.String(), `"unauthorized"`)) // the wrong password was tried
	is.True(strings.Contains(tg.logs.String(), "list_accounts"))     // the calls logged
}
