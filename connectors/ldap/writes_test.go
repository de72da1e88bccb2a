package ldap_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// seeded is LDIF for people u00000…u00009 and groups: admins (u0, u1),
// staff (u0…u4), empty-ish (only a non-account member, the base entry).
func seeded(class string) string {
	ldif := ldaptest.PeopleLDIF("u", 10)
	dns := func(n int) []string {
		var out []string
		for _, u := range uids("u", n) {
			if class == "posixGroup" {
				out = append(out, u)
			} else {
				out = append(out, ldaptest.UserDN(u))
			}
		}
		return out
	}
	if class == "posixGroup" {
		ldif = ldaptest.PosixPeopleLDIF("u", 10)
	}
	filler := []string{ldaptest.BaseDN}
	if class == "posixGroup" {
		filler = nil
	}
	return ldif + ldaptest.GroupLDIF(class, "admins", dns(2)) + ldaptest.GroupLDIF(class, "staff", dns(5)) +
		ldaptest.GroupLDIF(class, "others", filler)
}

// directEntry reads one entry by DN with the administrator's connection.
func directEntry(t *testing.T, tg *target, dn string, attrs ...string) *goldap.Entry {
	t.Helper()
	c, err := tg.srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", attrs, nil))
	if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return res.Entries[0]
}

// byName maps entitlement labels to ids and usernames to account ids.
func byName(t *testing.T, tg *target) (groups, users map[string]string) {
	groups, users = map[string]string{}, map[string]string{}
	for _, e := range drain[entitlement](t, tg, "list_entitlements", 1000) {
		groups[e.Label] = e.ID
	}
	for _, a := range drain[account](t, tg, "list_accounts", 5000) {
		users[a.Username] = a.ID
	}
	return groups, users
}

// TestFlavors reads memberships and writes them in each directory shape:
// groupOfNames/member (openldap), groupOfUniqueNames/uniqueMember
// (generic), posixGroup/memberUid (rfc2307).
func TestFlavors(t *testing.T) {
	cases := []struct {
		flavor, class string
	}{
		{"openldap", "groupOfNames"},
		{"generic", "groupOfUniqueNames"},
		{"rfc2307", "posixGroup"},
	}
	for _, c := range cases {
		t.Run(c.flavor, func(t *testing.T) {
			is := is.New(t)
			tg := start(t, ldaptest.Options{LDIF: seeded(c.class)}, map[string]any{"flavor": c.flavor})
			groups, users := byName(t, tg)
			is.Equal(len(groups), 3)
			is.Equal(len(users), 10)
			for _, size := range []int{1, 3, 100} {
				as := drain[association](t, tg, "find_entitlement_associations", size)
				is.Equal(len(as), 7) // admins 2 + staff 5; others has no account member
			}
			var mine []association
			tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["u00001"]}, nil, &mine)
			is.Equal(len(mine), 2)

			ref := map[string]any{"account_integration_specific_id": users["u00009"], "resource_type": "directory", "resource_integration_specific_id": "",
				"entitlement_type": "group_member", "entitlement_integration_specific_id": groups["admins"]}
			for i, want := range []string{"created", "noop"} {
				env := tg.ok(t, "assign_entitlement", ref, nil, nil)
				is.Equal(string(env.ExecutionSummary.Effect.Kind), want) // assign, then again: noop
				_ = i
			}
			tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["u00009"]}, nil, &mine)
			is.Equal(mine, []association{{users["u00009"], groups["admins"]}})
			attr := map[string]string{"groupOfNames": "member", "groupOfUniqueNames": "uniqueMember", "posixGroup": "memberUid"}[c.class]
			g := directEntry(t, tg, "cn=admins,"+ldaptest.GroupsDN, attr)
			is.Equal(len(g.GetAttributeValues(attr)), 3) // verified in the directory
			for _, want := range []string{"deleted", "noop"} {
				env := tg.ok(t, "unassign_entitlement", ref, nil, nil)
				is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
			}
			g = directEntry(t, tg, "cn=admins,"+ldaptest.GroupsDN, attr)
			is.Equal(len(g.GetAttributeValues(attr)), 2)
		})
	}
}

// TestAccountWrites creates, locks, unlocks and deletes an account, each
// twice (the repeat is a noop), checking the directory after each step.
func TestAccountWrites(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames")}, nil)
	groups, _ := byName(t, tg)
	var created struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	tg.ok(t, "create_account", map[string]any{"username": "ada", "email": "ada@lumos.test", "given_name": "Ada", "family_name": "Lovelace",
		"entitlements": []any{map[string]any{"entitlement_type": "group_member", "integration_specific_id": groups["staff"]}}}, nil, &created)
	is.True(created.ID != "")
	is.Equal(created.Status, "ACTIVE")
	dn := ldaptest.UserDN("ada")
	e := directEntry(t, tg, dn, "mail", "cn", "entryUUID")
	is.Equal(e.GetAttributeValue("mail"), "ada@lumos.test")
	is.Equal(e.GetAttributeValue("cn"), "Ada Lovelace")
	is.Equal(e.GetAttributeValue("entryUUID"), created.ID) // the id is entryUUID
	staff := directEntry(t, tg, "cn=staff,"+ldaptest.GroupsDN, "member")
	is.True(strings.Contains(strings.Join(staff.GetAttributeValues("member"), "|"), dn))
	ada := directEntry(t, tg, dn, "memberOf")
	is.Equal(len(ada.GetAttributeValues("memberOf")), 1) // the memberof overlay saw the write

	var a account
	tg.ok(t, "get_account", map[string]any{"account_id": created.ID}, nil, &a)
	is.Equal(a.Username, "ada")
	is.Equal(a.UserStatus, "ACTIVE")

	steps := []struct {
		capName, effect, status string
		locked                  bool
	}{
		{"deactivate_account", "updated", "SUSPENDED", true},
		{"deactivate_account", "noop", "SUSPENDED", true},
		{"activate_account", "updated", "ACTIVE", false},
		{"activate_account", "noop", "ACTIVE", false},
	}
	for _, s := range steps {
		env := tg.ok(t, s.capName, map[string]any{"account_id": created.ID}, nil, nil)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), s.effect)
		tg.ok(t, "get_account", map[string]any{"account_id": created.ID}, nil, &a)
		is.Equal(a.UserStatus, s.status)
		locked := directEntry(t, tg, dn, "pwdAccountLockedTime").GetAttributeValue("pwdAccountLockedTime") != ""
		is.Equal(locked, s.locked)
	}
	for _, want := range []string{"deleted", "noop"} {
		env := tg.ok(t, "delete_account", map[string]any{"account_id": created.ID}, nil, nil)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
	}
	is.True(directEntry(t, tg, dn) == nil)
	eventually(t, func() bool { // refint removes the member in the background
		staff = directEntry(t, tg, "cn=staff,"+ldaptest.GroupsDN, "member")
		return !strings.Contains(strings.Join(staff.GetAttributeValues("member"), "|"), dn)
	})
	tg.fail(t, "get_account", map[string]any{"account_id": created.ID}, "not_found", created.ID)
}

// TestLockWithoutPPolicy: without the ppolicy overlay, deactivation is
// refused as unsupported.
func TestLockWithoutPPolicy(t *testing.T) {
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames"), NoPPolicy: true}, nil)
	_, users := byName(t, tg)
	tg.fail(t, "deactivate_account", map[string]any{"account_id": users["u00003"]}, "unsupported_operation", "ppolicy")
}

// TestRenameKeepsID renames and moves entries (modrdn): accounts and groups
// keep their ids, memberships follow (refint), reads by id find them.
func TestRenameKeepsID(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames") + "dn: ou=moved," + ldaptest.PeopleDN + "\nobjectClass: organizationalUnit\nou: moved\n\n"}, nil)
	groups, users := byName(t, tg)
	c, err := tg.srv.Dial()
	is.NoErr(err)
	defer c.Close()
	is.NoErr(c.ModifyDN(goldap.NewModifyDNRequest(ldaptest.UserDN("u00001"), "uid=renamed", true, "ou=moved,"+ldaptest.PeopleDN)))

	eventually(t, func() bool { // refint renames the member values in the background
		res, err := c.Search(goldap.NewSearchRequest(ldaptest.GroupsDN, goldap.ScopeSingleLevel, goldap.NeverDerefAliases, 0, 0, false,
			"(member=uid=renamed,ou=moved,"+ldaptest.PeopleDN+")", []string{"1.1"}, nil))
		return err == nil && len(res.Entries) == 2
	})
	// Renamed only now: refint must not find the group moved under it.
	is.NoErr(c.ModifyDN(goldap.NewModifyDNRequest("cn=admins,"+ldaptest.GroupsDN, "cn=root-admins", true, "")))
	var a account
	tg.ok(t, "get_account", map[string]any{"account_id": users["u00001"]}, nil, &a)
	is.Equal(a.ID, users["u00001"])
	is.Equal(a.Username, "renamed")
	is.Equal(a.ExtraData["dn"], "uid=renamed,ou=moved,"+ldaptest.PeopleDN)
	groups2, users2 := byName(t, tg)
	is.Equal(groups2["root-admins"], groups["admins"])
	is.Equal(users2["renamed"], users["u00001"])
	var mine []association
	tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["u00001"]}, nil, &mine)
	is.Equal(len(mine), 2)
	found := false
	for _, as := range drain[association](t, tg, "find_entitlement_associations", 2) {
		found = found || as == association{users["u00001"], groups["admins"]}
	}
	is.True(found)
}

// TestErrors maps LDAP failures and settings mistakes to error codes.
func TestErrors(t *testing.T) {
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames")}, nil)
	wrong := *tg
	wrong.password = "not-the-password-0123"
	nobody := *tg
	nobody.user = "cn=nobody," + ldaptest.BaseDN
	cases := []struct {
		name    string
		tg      *target
		capName string
		payload map[string]any
		code    string
		want    string
	}{
		{"wrong_password", &wrong, "validate_credentials", nil, "unauthorized", "result code 49"},
		{"unknown_bind_dn", &nobody, "list_accounts", nil, "unauthorized", "Invalid Credentials"},
		{"unknown_account", tg, "get_account", map[string]any{"account_id": "00000000-0000-0000-0000-000000000000"}, "not_found", "00000000-0000-0000-0000-000000000000"},
		{"missing_users_base", tg.with(map[string]any{"users_base_dn": "ou=nowhere," + ldaptest.BaseDN}), "validate_credentials", nil, "bad_request", "users_base_dn"},
		{"missing_base_search", tg.with(map[string]any{"users_base_dn": "ou=nowhere," + ldaptest.BaseDN}), "list_accounts", nil, "not_found", "No Such Object"},
		{"bad_filter", tg.with(map[string]any{"users_filter": "(objectClass=inetOrgPerson"}), "list_accounts", nil, "bad_request", "users_filter"},
		{"bad_url", tg.with(map[string]any{"url": "http://127.0.0.1:1"}), "list_accounts", nil, "bad_request", "url"},
		{"ca_without_tls", tg.with(map[string]any{"ca_certificate": tg.srv.CAPEM}), "list_accounts", nil, "bad_request", "ca_certificate"},
		{"refused", tg.with(map[string]any{"url": "ldap://127.0.0.1:1"}), "list_accounts", nil, "api_error", "connect"},
		{"untrusted_certificate", tg.with(map[string]any{"url": tg.srv.LDAPSURL}), "list_accounts", nil, "connection_rejected", "ca_certificate"},
		{"untrusted_certificate_starttls", tg.with(map[string]any{"start_tls": true}), "list_accounts", nil, "connection_rejected", "ca_certificate"},
		{"create_posix", tg.with(map[string]any{"flavor": "rfc2307bis"}), "create_account", map[string]any{"username": "x", "entitlements": []any{}}, "unsupported_operation", "rfc2307bis"},
		{"duplicate_create", tg, "create_account", map[string]any{"username": "u00002", "entitlements": []any{}}, "bad_request", "Already Exists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.payload == nil {
				c.payload = map[string]any{}
			}
			c.tg.fail(t, c.capName, c.payload, errorCode(c.code), c.want)
		})
	}
}

// TestTLS reaches the directory over ldaps:// and StartTLS, trusting its
// certificate through ca_certificate or, explicitly, not checking it.
func TestTLS(t *testing.T) {
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames")}, nil)
	cases := []struct {
		name     string
		settings map[string]any
	}{
		{"ldaps_ca", map[string]any{"url": tg.srv.LDAPSURL, "ca_certificate": tg.srv.CAPEM}},
		{"ldaps_insecure", map[string]any{"url": tg.srv.LDAPSURL, "insecure_skip_verify": true}},
		{"starttls_ca", map[string]any{"start_tls": true, "ca_certificate": tg.srv.CAPEM}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			tt := tg.with(c.settings)
			tt.ok(t, "validate_credentials", map[string]any{}, nil, nil)
			is.Equal(len(drain[account](t, tt, "list_accounts", 4)), 10)
		})
	}
}

// TestValidate: unique_tenant_id is the base entry's entryUUID, and the
// base DN is found in the root DSE when unset.
func TestValidate(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{}, nil)
	var v struct {
		Valid  bool   `json:"valid"`
		Tenant string `json:"unique_tenant_id"`
	}
	tg.ok(t, "validate_credentials", map[string]any{}, nil, &v)
	base := directEntry(t, tg, ldaptest.BaseDN, "entryUUID")
	is.True(v.Valid)
	is.Equal(v.Tenant, base.GetAttributeValue("entryUUID"))
	tg.with(map[string]any{"base_dn": nil, "users_base_dn": nil, "groups_base_dn": nil}).ok(t, "validate_credentials", map[string]any{}, nil, &v)
	is.Equal(v.Tenant, base.GetAttributeValue("entryUUID"))
	_ = fmt.Sprint
}

// eventually polls cond for up to 10 seconds.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
