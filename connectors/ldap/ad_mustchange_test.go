package ldap_test

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// adMustChange is the sub-code Active Directory puts in the message of a
// refused bind whose password must be changed first
// (ERROR_PASSWORD_MUST_CHANGE, 1907 = 0x773).
const adMustChange = "data 773"

// adMustChangeCase is one create_account or update_account call with
// must_change_password in the Samba domain and what must follow from it.
type adMustChangeCase struct {
	name    string
	tg      *target
	capName string
	cn      string         // the entry's CN (created, or updated)
	payload map[string]any // create_account's without the entitlements, update_account's without the id
	code    string         // "" for success
	want    string         // in the error message
	effect  string         // the execution summary's effect on success ("" not checked)
	reset   bool           // pwdLastSet is 0 afterwards, and binding with the password is refused with adMustChange
	email   string         // the entry's mail afterwards ("" not checked)
	bind    string         // the password to bind with afterwards ("": the payload's, if any)
}

// TestADMustChangePassword sets and clears must_change_password in the
// Samba domain: with true pwdLastSet is 0 and a simple bind with the
// password is refused with AD's "must change password" sub-code; with
// false on update_account, or without the flag when a password is set,
// pwdLastSet is a time and the bind succeeds; a state already as asked is
// noop; true without a password is refused on create_account with nothing
// created, and accepted on update_account.
func TestADMustChangePassword(t *testing.T) {
	a := startAD(t)
	tg := adTarget(t, nil)
	starttls := tg.with(map[string]any{"url": a.URL, "start_tls": true})
	var upd created
	tg.ok(t, "create_account", map[string]any{"username": "mcupd", "email": "mcupd@lumos.test", "password": "Mc-Upd-0a!", "entitlements": []any{}}, nil, &upd)
	t.Cleanup(func() { tg.ok(t, "delete_account", map[string]any{"account_id": upd.ID}, nil, nil) })
	cases := []adMustChangeCase{
		{name: "create", tg: tg, capName: "create_account", cn: "mcann", payload: map[string]any{"username": "mcann", "password": "Mc-Ann-1b!", "must_change_password": true},
			reset: true},
		{name: "create_starttls_suspended", tg: starttls, capName: "create_account", cn: "mcben",
			payload: map[string]any{"username": "mcben", "password": "Mc-Ben-2c!", "must_change_password": true, "user_status": "SUSPENDED"}, reset: true},
		{name: "create_false", tg: tg, capName: "create_account", cn: "mccat", payload: map[string]any{"username": "mccat", "password": "Mc-Cat-3d!", "must_change_password": false}},
		{name: "create_without_password", tg: tg, capName: "create_account", cn: "mcdan", payload: map[string]any{"username": "mcdan", "must_change_password": true},
			code: "bad_request", want: "must_change_password applies to the password set by the same call"},
		{name: "update", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"password": "Mc-Upd-4e!", "must_change_password": true},
			reset: true, effect: "updated"},
		{name: "update_without_flag", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"password": "Mc-Upd-5f!"}, effect: "updated"},
		{name: "update_starttls_with_attribute", tg: starttls, capName: "update_account", cn: "mcupd",
			payload: map[string]any{"password": "Mc-Upd-6g!", "email": "mc6@lumos.test", "must_change_password": true}, reset: true, email: "mc6@lumos.test",
			effect: "updated"},
		{name: "set_again_noop", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"must_change_password": true},
			reset: true, bind: "Mc-Upd-6g!", effect: "noop"},
		// Refused with data 773 just before, the same password now works.
		{name: "clear_alone", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"must_change_password": false},
			bind: "Mc-Upd-6g!", effect: "updated"},
		{name: "clear_again_noop", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"must_change_password": false},
			bind: "Mc-Upd-6g!", effect: "noop"},
		{name: "set_alone_starttls", tg: starttls, capName: "update_account", cn: "mcupd", payload: map[string]any{"must_change_password": true},
			reset: true, bind: "Mc-Upd-6g!", effect: "updated"},
		{name: "attribute_alone_keeps_flag", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"email": "mc7@lumos.test"},
			reset: true, email: "mc7@lumos.test", bind: "Mc-Upd-6g!", effect: "updated"},
		{name: "same_attribute_and_flag_noop", tg: tg, capName: "update_account", cn: "mcupd",
			payload: map[string]any{"email": "mc7@lumos.test", "must_change_password": true}, reset: true, email: "mc7@lumos.test", effect: "noop"},
		{name: "clear_with_attribute", tg: tg, capName: "update_account", cn: "mcupd",
			payload: map[string]any{"email": "mc8@lumos.test", "must_change_password": false}, email: "mc8@lumos.test", bind: "Mc-Upd-6g!", effect: "updated"},
		{name: "set_then_clear_with_password", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"must_change_password": true},
			reset: true, effect: "updated"},
		{name: "clear_with_password", tg: tg, capName: "update_account", cn: "mcupd", payload: map[string]any{"password": "Mc-Upd-9h!", "must_change_password": false},
			effect: "updated"},
		{name: "clear_with_password_when_clear", tg: starttls, capName: "update_account", cn: "mcupd",
			payload: map[string]any{"password": "Mc-Upd-10i!", "must_change_password": false}, effect: "updated"},
		{name: "clear_with_short_password", tg: tg, capName: "update_account", cn: "mcupd",
			payload: map[string]any{"password": "Sh0rt!", "email": "mc11@lumos.test", "must_change_password": false}, code: "bad_request",
			want: "a password must meet the domain's password policy", email: "mc8@lumos.test", bind: "Mc-Upd-10i!"},
		{name: "set_with_short_password", tg: tg, capName: "update_account", cn: "mcupd",
			payload: map[string]any{"password": "Sh0rt?", "must_change_password": true}, code: "bad_request",
			want: "a password must meet the domain's password policy", bind: "Mc-Upd-10i!"},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if pw, ok := c.payload["password"].(string); ok {
				passwords = append(passwords, pw)
			}
			runADMustChange(t, tg, a, c, upd.ID)
		})
	}
	noSecrets(t, tg, passwords...)
	noSecrets(t, starttls, passwords...)
}

// runADMustChange makes the call of c (update_account on the account id)
// and checks the entry, read as the domain's administrator, and the
// person's bind over LDAPS. admin deletes the accounts c creates.
func runADMustChange(t *testing.T, admin *target, a *ldaptest.AD, c adMustChangeCase, id string) {
	t.Helper()
	is := is.New(t)
	payload := map[string]any{}
	for k, v := range c.payload {
		payload[k] = v
	}
	if c.capName == "create_account" {
		payload["entitlements"] = []any{}
	} else {
		payload["id"] = id
	}
	dn := adUserDN(c.cn)
	if c.code != "" {
		c.tg.fail(t, c.capName, payload, errorCode(c.code), c.want)
	} else {
		env := c.tg.ok(t, c.capName, payload, nil, nil)
		is.True(!strings.Contains(string(env.Response), "must_change")) // the answer does not echo the flag
		if c.effect != "" {
			is.Equal(string(env.ExecutionSummary.Effect.Kind), c.effect)
		}
	}
	e := adEntry(t, dn, "pwdLastSet", "mail", "userAccountControl")
	if c.capName == "create_account" {
		is.Equal(e != nil, c.code == "") // created, or nothing
		if e == nil {
			return
		}
		t.Cleanup(func() { admin.ok(t, "delete_account", map[string]any{"account_id": adGUID(t, dn)}, nil, nil) })
	}
	is.Equal(e.GetAttributeValue("pwdLastSet") == "0", c.reset) // expired, or set to a time
	is.True(e.GetAttributeValue("pwdLastSet") != "")
	if c.email != "" {
		is.Equal(e.GetAttributeValue("mail"), c.email)
	}
	password := c.bind
	if password == "" && c.code == "" {
		password, _ = payload["password"].(string)
	}
	if password == "" || payload["user_status"] == "SUSPENDED" {
		return // no password to bind with (a disabled account is refused for that)
	}
	err := bindAs(a.LDAPSURL, a.CAPEM, dn, password)
	if !c.reset {
		is.NoErr(err) // the person logs on with the password
		return
	}
	is.True(goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials)) // refused,
	is.True(strings.Contains(err.Error(), adMustChange))                      // because the password must be changed
}

// adGUID is the connector's id (objectGUID) of the entry dn.
func adGUID(t *testing.T, dn string) string {
	t.Helper()
	return guidString(adEntry(t, dn, "objectGUID").GetRawAttributeValue("objectGUID"))
}
