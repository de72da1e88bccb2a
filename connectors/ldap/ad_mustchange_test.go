package ldap_test

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/matryer/is"
)

// adMustChange is the sub-code Active Directory puts in the message of a
// refused bind whose password must be changed first
// (ERROR_PASSWORD_MUST_CHANGE, 1907 = 0x773).
const adMustChange = "data 773"

// TestADMustChangePassword sets passwords with must_change_password in the
// Samba domain: with the flag pwdLastSet is 0 and a simple bind with the
// new password is refused with AD's "must change password" sub-code;
// without it pwdLastSet is a time and the bind succeeds; the flag without
// a password is refused with nothing created or changed.
func TestADMustChangePassword(t *testing.T) {
	a := startAD(t)
	tg := adTarget(t, nil)
	starttls := tg.with(map[string]any{"url": a.URL, "start_tls": true})
	var upd created
	tg.ok(t, "create_account", map[string]any{"username": "mcupd", "email": "mcupd@lumos.test", "password": "Mc-Upd-0a!", "entitlements": []any{}}, nil, &upd)
	t.Cleanup(func() { tg.ok(t, "delete_account", map[string]any{"account_id": upd.ID}, nil, nil) })
	cases := []struct {
		name    string
		tg      *target
		capName string
		cn      string         // the entry's CN (created, or updated)
		payload map[string]any // create_account's without the entitlements, update_account's without the id
		code    string         // "" for success
		want    string         // in the error message
		reset   bool           // pwdLastSet is 0 afterwards, and binding with the password is refused with adMustChange
		email   string         // the entry's mail afterwards ("" not checked)
	}{
		{"create", tg, "create_account", "mcann", map[string]any{"username": "mcann", "password": "Mc-Ann-1b!", "must_change_password": true}, "", "", true, ""},
		{"create_starttls_suspended", starttls, "create_account", "mcben",
			map[string]any{"username": "mcben", "password": "Mc-Ben-2c!", "must_change_password": true, "user_status": "SUSPENDED"}, "", "", true, ""},
		{"create_false", tg, "create_account", "mccat", map[string]any{"username": "mccat", "password": "Mc-Cat-3d!", "must_change_password": false}, "", "", false, ""},
		{"create_without_password", tg, "create_account", "mcdan", map[string]any{"username": "mcdan", "must_change_password": true}, "bad_request",
			"must_change_password applies to the password set by the same call", false, ""},
		{"update", tg, "update_account", "mcupd", map[string]any{"password": "Mc-Upd-4e!", "must_change_password": true}, "", "", true, ""},
		{"update_without_flag", tg, "update_account", "mcupd", map[string]any{"password": "Mc-Upd-5f!"}, "", "", false, ""},
		{"update_starttls_with_attribute", starttls, "update_account", "mcupd",
			map[string]any{"password": "Mc-Upd-6g!", "email": "mc6@lumos.test", "must_change_password": true}, "", "", true, "mc6@lumos.test"},
		{"update_without_password", tg, "update_account", "mcupd", map[string]any{"email": "mc7@lumos.test", "must_change_password": true}, "bad_request",
			"must_change_password applies to the password set by the same call", true, "mc6@lumos.test"},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			payload := map[string]any{}
			for k, v := range c.payload {
				payload[k] = v
			}
			if c.capName == "create_account" {
				payload["entitlements"] = []any{}
			} else {
				payload["id"] = upd.ID
			}
			password, _ := payload["password"].(string)
			if password != "" {
				passwords = append(passwords, password)
			}
			dn := adUserDN(c.cn)
			if c.code != "" {
				c.tg.fail(t, c.capName, payload, errorCode(c.code), c.want)
			} else {
				env := c.tg.ok(t, c.capName, payload, nil, nil)
				is.True(!strings.Contains(string(env.Response), "must_change")) // the answer does not echo the flag
			}
			e := adEntry(t, dn, "pwdLastSet", "mail", "userAccountControl")
			if c.capName == "create_account" {
				is.Equal(e != nil, c.code == "") // created, or nothing
				if e == nil {
					return
				}
				t.Cleanup(func() { tg.ok(t, "delete_account", map[string]any{"account_id": adGUID(t, dn)}, nil, nil) })
			}
			is.Equal(e.GetAttributeValue("pwdLastSet") == "0", c.reset) // expired, or set now
			is.True(e.GetAttributeValue("pwdLastSet") != "")
			if c.email != "" {
				is.Equal(e.GetAttributeValue("mail"), c.email)
			}
			if password == "" || c.code != "" || payload["user_status"] == "SUSPENDED" {
				return // no new password to bind with (a disabled account is refused for that)
			}
			err := bindAs(a.LDAPSURL, a.CAPEM, dn, password)
			if !c.reset {
				is.NoErr(err) // the person logs on with the password
				return
			}
			is.True(goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials)) // refused,
			is.True(strings.Contains(err.Error(), adMustChange))                      // because the password must be changed
		})
	}
	noSecrets(t, tg, passwords...)
}

// adGUID is the connector's id (objectGUID) of the entry dn.
func adGUID(t *testing.T, dn string) string {
	t.Helper()
	return guidString(adEntry(t, dn, "objectGUID").GetRawAttributeValue("objectGUID"))
}
