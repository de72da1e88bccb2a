package ldap_test

import (
	"encoding/json"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// updated is update_account's answer.
type updated struct {
	ID          string  `json:"id"`
	Email       *string `json:"email"`
	GivenName   *string `json:"given_name"`
	FamilyName  *string `json:"family_name"`
	DisplayName *string `json:"display_name"`
	Password    *string `json:"password"`
}

// updateAttrs are the attributes update_account writes, as the payload
// names them.
var updateAttrs = map[string]string{"email": "mail", "given_name": "givenName", "family_name": "sn", "display_name": "displayName"}

// The bind accounts of TestUpdateAccount besides the administrator: the
// editor may write every attribute but userPassword, the viewer nothing.
const (
	editorDN = "cn=editor," + ldaptest.BaseDN
	viewerDN = "cn=viewer," + ldaptest.BaseDN
)

// updateCase is one update_account call and what must follow from it.
type updateCase struct {
	name    string
	tg      *target
	user    string         // the person's uid
	payload map[string]any // without the id
	code    string         // "" for success
	want    string         // in the error message
	effect  string         // execution summary's effect on success
	attrs   map[string]string
	// attrs are the person's attributes afterwards, by payload name ("":
	// absent), checked in the directory and, on success, in the answer.
	bind   string // a password the person must bind with afterwards
	noBind string // a password that must fail
	locked bool   // pwdAccountLockedTime is set afterwards
}

// TestUpdateAccount changes attributes and passwords of slapd's people
// through update_account, one call after the other, and checks each change
// in the directory (as the administrator), in binds, and in the answer.
func TestUpdateAccount(t *testing.T) {
	ldif := seeded("groupOfNames") + ldaptest.PosixPeopleLDIF("p", 2) + bindAccountLDIF(editorDN, "editor", writerPassword) +
		bindAccountLDIF(viewerDN, "viewer", writerPassword)
	access := "access to attrs=userPassword\n  by dn.exact=\"" + ldaptest.AdminDN + "\" write\n  by anonymous auth\n  by * none\n" +
		"access to *\n  by dn.exact=\"" + editorDN + "\" write\n  by * read\n"
	tg := start(t, ldaptest.Options{LDIF: ldif, Access: access}, nil)
	editor, viewer := *tg, *tg
	editor.user, editor.password = editorDN, writerPassword
	viewer.user, viewer.password = viewerDN, writerPassword
	_, users := byName(t, tg)
	ldaps := tg.with(map[string]any{"url": tg.srv.LDAPSURL, "ca_certificate": tg.srv.CAPEM})
	u1 := map[string]string{"email": "u00001@lumos.test", "given_name": "User", "family_name": "u00001", "display_name": ""}
	with := func(base map[string]string, changes ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i+1 < len(changes); i += 2 {
			out[changes[i]] = changes[i+1]
		}
		return out
	}
	renamed := with(u1, "email", "ada@lumos.test", "given_name", "Ada", "family_name", "Lovelace", "display_name", "Ada L.")
	cases := []updateCase{
		{name: "email", tg: tg, user: "u00001", payload: map[string]any{"email": "ada@lumos.test"}, effect: "updated",
			attrs: with(u1, "email", "ada@lumos.test")},
		{name: "given_name", tg: tg, user: "u00001", payload: map[string]any{"given_name": "Ada"}, effect: "updated",
			attrs: with(u1, "email", "ada@lumos.test", "given_name", "Ada")},
		{name: "family_name", tg: tg, user: "u00001", payload: map[string]any{"family_name": "Lovelace"}, effect: "updated",
			attrs: with(u1, "email", "ada@lumos.test", "given_name", "Ada", "family_name", "Lovelace")},
		{name: "display_name_trimmed", tg: tg, user: "u00001", payload: map[string]any{"display_name": "  Ada L. "}, effect: "updated", attrs: renamed},
		{name: "same_values_noop", tg: tg, user: "u00001", payload: map[string]any{"email": "ada@lumos.test", "display_name": "Ada L.", "given_name": nil},
			effect: "noop", attrs: renamed},
		{name: "delete_optional", tg: tg, user: "u00001", payload: map[string]any{"display_name": "", "given_name": ""}, effect: "updated",
			attrs: with(renamed, "display_name", "", "given_name", "")},
		{name: "delete_absent_noop", tg: tg, user: "u00001", payload: map[string]any{"display_name": ""}, effect: "noop",
			attrs: with(renamed, "display_name", "", "given_name", "")},
		{name: "empty_sn_refused", tg: tg, user: "u00001", payload: map[string]any{"family_name": " ", "email": "x@lumos.test"}, code: "bad_request",
			want: "sn is required", attrs: with(renamed, "display_name", "", "given_name", "")},
		{name: "nothing_given", tg: tg, user: "u00002", payload: map[string]any{"email": nil}, code: "bad_request", want: "nothing to change",
			attrs: map[string]string{"email": "u00002@lumos.test"}},
		{name: "unknown_id", tg: tg, payload: map[string]any{"email": "x@lumos.test"}, code: "not_found", want: "00000000-0000-0000-0000-000000000000"},
		{name: "password", tg: tg, user: "u00002", payload: map[string]any{"password": "First-Pw-1 ünï"}, effect: "updated",
			attrs: map[string]string{"email": "u00002@lumos.test"}, bind: "First-Pw-1 ünï", noBind: "First-Pw-1 ünïx"},
		{name: "password_again_with_attribute", tg: ldaps, user: "u00002", payload: map[string]any{"password": "Second-Pw-2", "given_name": "Bo"},
			effect: "updated", attrs: map[string]string{"email": "u00002@lumos.test", "given_name": "Bo"}, bind: "Second-Pw-2", noBind: "First-Pw-1 ünï"},
		{name: "empty_password", tg: tg, user: "u00002", payload: map[string]any{"password": ""}, code: "bad_request", want: "password is empty",
			bind: "Second-Pw-2"},
		{name: "editor_attributes", tg: &editor, user: "u00003", payload: map[string]any{"email": "ed@lumos.test"}, effect: "updated",
			attrs: map[string]string{"email": "ed@lumos.test"}},
		{name: "editor_may_not_set_password", tg: &editor, user: "u00003", payload: map[string]any{"password": "Third-Pw-3", "email": "ed2@lumos.test"},
			code: "permission_denied", want: "the attributes were changed, the password was not (the bind account needs write access to the entry's userPassword)",
			attrs: map[string]string{"email": "ed2@lumos.test"}, noBind: "Third-Pw-3"},
		{name: "viewer_may_not_write", tg: &viewer, user: "u00004", payload: map[string]any{"email": "view@lumos.test", "password": "Fourth-Pw-4"},
			code: "permission_denied", want: "nothing was changed", attrs: map[string]string{"email": "u00004@lumos.test"}, noBind: "Fourth-Pw-4"},
		{name: "generic_flavor", tg: tg.with(map[string]any{"flavor": "generic"}), user: "u00005", payload: map[string]any{"email": "gen@lumos.test", "password": "Fifth-Pw-5"},
			effect: "updated", attrs: map[string]string{"email": "gen@lumos.test"}, bind: "Fifth-Pw-5"},
		{name: "rfc2307bis_flavor", tg: tg.with(map[string]any{"flavor": "rfc2307bis"}), user: "p00001", payload: map[string]any{"display_name": "Posix One", "password": "Posix-Pw-6"},
			effect: "updated", attrs: map[string]string{"display_name": "Posix One", "family_name": "p00001"}, bind: "Posix-Pw-6"},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if pw, ok := c.payload["password"].(string); ok && pw != "" {
				passwords = append(passwords, pw)
			}
			id := "00000000-0000-0000-0000-000000000000"
			if c.user != "" {
				id = users[c.user]
			}
			runUpdate(t, tg, c, id)
		})
	}
	noSecrets(t, tg, passwords...)
}

// runUpdate calls update_account for the account id and checks the
// directory (read through admin's target) against c.
func runUpdate(t *testing.T, admin *target, c updateCase, id string) {
	t.Helper()
	is := is.New(t)
	payload := map[string]any{"id": id}
	for k, v := range c.payload {
		payload[k] = v
	}
	if c.code != "" {
		c.tg.fail(t, "update_account", payload, errorCode(c.code), c.want)
	} else {
		var got updated
		env := c.tg.ok(t, "update_account", payload, nil, &got)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), c.effect)
		is.Equal(got.ID, id)
		is.True(got.Password == nil) // never in the answer
		answer := map[string]*string{"email": got.Email, "given_name": got.GivenName, "family_name": got.FamilyName, "display_name": got.DisplayName}
		for field, want := range c.attrs {
			is.True(answer[field] != nil) // every field is answered
			is.Equal(*answer[field], want)
		}
	}
	if c.user == "" {
		return
	}
	dn := ldaptest.UserDN(c.user)
	e := directEntry(t, admin, dn, "mail", "givenName", "sn", "displayName", "pwdAccountLockedTime")
	for field, want := range c.attrs {
		is.Equal(e.GetAttributeValue(updateAttrs[field]), want) // read back by a search
	}
	is.Equal(e.GetAttributeValue("pwdAccountLockedTime") != "", c.locked)
	if c.bind != "" {
		is.NoErr(bindAs(admin.srv.URL, "", dn, c.bind))
	}
	if c.noBind != "" {
		is.True(goldap.IsErrorWithCode(bindAs(admin.srv.URL, "", dn, c.noBind), goldap.LDAPResultInvalidCredentials))
	}
}

// TestUpdateAfterRename: an entry renamed and moved (modrdn) before the
// update is still found by its id, and the answer and the directory show
// the change at its new DN.
func TestUpdateAfterRename(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames") + "dn: ou=moved," + ldaptest.PeopleDN + "\nobjectClass: organizationalUnit\nou: moved\n\n"}, nil)
	_, users := byName(t, tg)
	c, err := tg.srv.Dial()
	is.NoErr(err)
	defer c.Close()
	is.NoErr(c.ModifyDN(goldap.NewModifyDNRequest(ldaptest.UserDN("u00006"), "uid=renamed6", true, "ou=moved,"+ldaptest.PeopleDN)))
	var got updated
	tg.ok(t, "update_account", map[string]any{"id": users["u00006"], "email": "renamed6@lumos.test", "password": "Renamed-Pw-6"}, nil, &got)
	is.Equal(got.ID, users["u00006"])
	is.Equal(*got.Email, "renamed6@lumos.test")
	is.Equal(*got.FamilyName, "u00006")
	dn := "uid=renamed6,ou=moved," + ldaptest.PeopleDN
	is.Equal(directEntry(t, tg, dn, "mail").GetAttributeValue("mail"), "renamed6@lumos.test")
	is.NoErr(bindAs(tg.srv.URL, "", dn, "Renamed-Pw-6"))
	noSecrets(t, tg, "Renamed-Pw-6")
}

// TestUpdateKeepsLock: a password reset leaves an account suspended by
// deactivate_account suspended (ppolicy would unlock it), and without a
// password the lock is not touched either.
func TestUpdateKeepsLock(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames")}, nil)
	_, users := byName(t, tg)
	id := users["u00007"]
	tg.ok(t, "deactivate_account", map[string]any{"account_id": id}, nil, nil)
	cases := []updateCase{
		{name: "password", tg: tg, user: "u00007", payload: map[string]any{"password": "Locked-Pw-7"}, effect: "updated", locked: true},
		{name: "attribute", tg: tg, user: "u00007", payload: map[string]any{"display_name": "Still Locked"}, effect: "updated",
			attrs: map[string]string{"display_name": "Still Locked"}, locked: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runUpdate(t, tg, c, id) })
	}
	var a account
	tg.ok(t, "get_account", map[string]any{"account_id": id}, nil, &a)
	is.Equal(a.UserStatus, "SUSPENDED")
	e := directEntry(t, tg, ldaptest.UserDN("u00007"), "pwdAccountLockedTime", "userPassword")
	is.Equal(e.GetAttributeValue("pwdAccountLockedTime"), "000001010000Z")
	is.True(strings.HasPrefix(e.GetAttributeValue("userPassword"), "{")) // the reset was hashed by the server
}

// TestUpdateSchema: info shows update_account's password as a secret of
// the payload only; the answer has the four attributes and no password.
func TestUpdateSchema(t *testing.T) {
	is := is.New(t)
	out, err := ldap.Integration().InfoDocument()
	is.NoErr(err)
	var info struct {
		Response struct {
			Schemas map[string]struct {
				Argument struct {
					Properties map[string]map[string]any `json:"properties"`
					Required   []string                  `json:"required"`
				} `json:"argument"`
				Output struct {
					Properties map[string]map[string]any `json:"properties"`
				} `json:"output"`
			} `json:"capability_schema"`
		} `json:"response"`
	}
	is.NoErr(json.Unmarshal(out, &info))
	s := info.Response.Schemas["update_account"]
	is.Equal(s.Argument.Required, []string{"id"})
	cases := []struct {
		field          string
		secret, answer bool
	}{
		{"id", false, true},
		{"email", false, true},
		{"given_name", false, true},
		{"family_name", false, true},
		{"display_name", false, true},
		{"password", true, false},
		{"must_change_password", false, false},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			is := is.New(t)
			p, ok := s.Argument.Properties[c.field]
			is.True(ok) // in the payload
			is.Equal(p["x-secret"] == true, c.secret)
			is.Equal(p["x-field_type"] == "SECRET", c.secret)
			_, ok = s.Output.Properties[c.field]
			is.Equal(ok, c.answer)
		})
	}
}

// TestADUpdateAccount changes the attributes and resets the password of an
// account in the Samba domain: over ldaps:// and StartTLS the person then
// binds with the new password and pwdLastSet moves; over plain ldap://, or
// with a password the domain's policy refuses, nothing is changed (the
// attributes of the same call included: one modify carries both), nor with
// a flavor that would need RFC 3062, which Samba does not offer. Samba
// still accepts the previous password for an hour after a reset (its "old
// password allowed period"), so the check that a password no longer works
// is made with passwords that were refused.
func TestADUpdateAccount(t *testing.T) {
	a := startAD(t)
	tg := adTarget(t, nil)
	const first = "Kq7-First-pw!"
	var acct created
	tg.ok(t, "create_account", map[string]any{"username": "updany", "given_name": "Upd", "family_name": "Any", "email": "updany@lumos.test",
		"password": first, "entitlements": []any{}}, nil, &acct)
	t.Cleanup(func() { tg.ok(t, "delete_account", map[string]any{"account_id": acct.ID}, nil, nil) })
	dn := adUserDN("Upd Any")
	plain := tg.with(map[string]any{"url": a.URL, "ca_certificate": nil})
	starttls := tg.with(map[string]any{"url": a.URL, "start_tls": true})
	changed := map[string]string{"email": "ada@lumos.test", "given_name": "Ada", "family_name": "", "display_name": "Ada L."}
	cases := []struct {
		name    string
		tg      *target
		payload map[string]any
		code    string // "" for success
		want    string // in the error message
		attrs   map[string]string
		bind    string // the password the person binds with afterwards
		noBind  string // a password that fails afterwards
		reset   bool   // pwdLastSet moves
	}{
		{"attributes", tg, map[string]any{"email": "ada@lumos.test", "given_name": "Ada", "family_name": "", "display_name": "Ada L."}, "", "",
			changed, first, first + "x", false},
		{"password_ldaps", tg, map[string]any{"password": "Zr4-Second-pw?"}, "", "", changed, "Zr4-Second-pw?", "Zr4-Second-pw?x", true},
		{"password_starttls", starttls, map[string]any{"password": "Wm2-Third-pw#", "display_name": "Ada Lovelace"}, "", "",
			map[string]string{"display_name": "Ada Lovelace"}, "Wm2-Third-pw#", "Wm2-Third-pw#x", true},
		{"plain_ldap_refused", plain, map[string]any{"password": "Pj8-Fourth-pw%", "email": "plain@lumos.test"}, "bad_request", "only over TLS",
			map[string]string{"email": "ada@lumos.test"}, "Wm2-Third-pw#", "Pj8-Fourth-pw%", false},
		{"policy_refusal", tg, map[string]any{"password": "Sh-1a", "email": "short@lumos.test"}, "bad_request", "password policy",
			map[string]string{"email": "ada@lumos.test"}, "Wm2-Third-pw#", "Sh-1a", false},
		{"no_password_modify", tg.with(map[string]any{"flavor": "generic", "id_attribute": "objectGUID", "login_attribute": "sAMAccountName"}),
			map[string]any{"password": "Gn5-Generic-pw!", "email": "generic@lumos.test"}, "unsupported_operation", "Password Modify",
			map[string]string{"email": "ada@lumos.test"}, "Wm2-Third-pw#", "Gn5-Generic-pw!", false},
		{"unknown_id", tg, map[string]any{"id": "00000000-0000-0000-0000-000000000000", "email": "x@lumos.test"}, "not_found",
			"00000000-0000-0000-0000-000000000000", nil, "", "", false},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			payload := map[string]any{"id": acct.ID}
			for k, v := range c.payload {
				payload[k] = v
			}
			if pw, ok := payload["password"].(string); ok {
				passwords = append(passwords, pw)
			}
			pwdLastSet := func() string { return adEntry(t, dn, "pwdLastSet").GetAttributeValue("pwdLastSet") }
			before := pwdLastSet()
			if c.code != "" {
				c.tg.fail(t, "update_account", payload, errorCode(c.code), c.want)
			} else {
				var got updated
				env := c.tg.ok(t, "update_account", payload, nil, &got)
				is.Equal(string(env.ExecutionSummary.Effect.Kind), "updated")
				is.Equal(got.ID, acct.ID)
				is.True(got.Password == nil)
				answer := map[string]*string{"email": got.Email, "given_name": got.GivenName, "family_name": got.FamilyName, "display_name": got.DisplayName}
				for field, want := range c.attrs {
					is.Equal(*answer[field], want)
				}
			}
			is.Equal(pwdLastSet() != before, c.reset) // the password was set, or not
			e := adEntry(t, dn, "mail", "givenName", "sn", "displayName")
			for field, want := range c.attrs {
				is.Equal(e.GetAttributeValue(updateAttrs[field]), want) // read back by a search
			}
			if c.bind != "" {
				is.NoErr(bindAs(a.LDAPSURL, a.CAPEM, dn, c.bind))
			}
			if c.noBind != "" {
				is.True(goldap.IsErrorWithCode(bindAs(a.LDAPSURL, a.CAPEM, dn, c.noBind), goldap.LDAPResultInvalidCredentials))
			}
		})
	}
	noSecrets(t, tg, passwords...)
}
