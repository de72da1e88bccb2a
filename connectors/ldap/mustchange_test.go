package ldap_test

import (
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// mustChangePolicyDN is a ppolicy policy with pwdMustChange, which no entry
// uses by default: the tests point an entry at it only to bind, so that
// slapd's own pwdMustChange behaviour (pwdReset set on every
// administrator's reset) does not mix with the connector's.
const mustChangePolicyDN = "cn=must-change," + ldaptest.BaseDN

// mustChangePolicyLDIF is the LDIF of mustChangePolicyDN.
const mustChangePolicyLDIF = "dn: " + mustChangePolicyDN + "\nobjectClass: organizationalRole\nobjectClass: pwdPolicy\ncn: must-change\n" +
	"pwdAttribute: userPassword\npwdMustChange: TRUE\n\n"

// resetterDN is a bind account that may add, delete and write every
// attribute and manage userPassword (so that ppolicy takes its resets for
// an administrator's), but not write pwdReset.
const resetterDN = "cn=resetter," + ldaptest.BaseDN

// changeAfterReset is ppolicy's response control error "the password must
// be changed" (draft-behera-ldap-password-policy, changeAfterReset).
const changeAfterReset = 2

// underPolicy points the entry dn at the policies (none: the default),
// as tg's administrator.
func underPolicy(t *testing.T, tg *target, dn string, policies []string) {
	t.Helper()
	admin, err := tg.srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	mod := goldap.NewModifyRequest(dn, nil)
	mod.Replace("pwdPolicySubentry", policies)
	if err := admin.Modify(mod); err != nil {
		t.Fatalf("pointing %s at a policy: %v", dn, err)
	}
}

// ppolicyBind binds to tg's slapd as dn with password, asking for the
// password policy response control, with the entry pointed at
// mustChangePolicyDN for the bind only. It reports whether the control
// says the password must be changed and whether the connection was then
// refused a search (restricted to changing the password).
func ppolicyBind(t *testing.T, tg *target, dn, password string) (mustChange, restricted bool, err error) {
	t.Helper()
	underPolicy(t, tg, dn, []string{mustChangePolicyDN})
	defer underPolicy(t, tg, dn, []string{})
	c, err := goldap.DialURL(tg.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.SimpleBind(goldap.NewSimpleBindRequest(dn, password, []goldap.Control{goldap.NewControlBeheraPasswordPolicy()}))
	if err != nil {
		return false, false, err
	}
	ctrl, ok := goldap.FindControl(res.Controls, goldap.ControlTypeBeheraPasswordPolicy).(*goldap.ControlBeheraPasswordPolicy)
	_, err = c.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"1.1"}, nil))
	if err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights) {
		t.Fatalf("searching as %s: %v", dn, err)
	}
	return ok && ctrl.Error == changeAfterReset, err != nil, nil
}

// mustChangeCase is one create_account or update_account call with
// must_change_password on slapd and what must follow from it.
type mustChangeCase struct {
	name    string
	tg      *target
	capName string
	user    string         // the person's uid (created, or updated)
	payload map[string]any // update_account's without the id
	code    string         // "" for success
	want    string         // in the error message
	exists  bool           // the entry is there afterwards
	reset   bool           // pwdReset is TRUE afterwards
	bind    string         // a password the person binds with afterwards ("" not checked)
	email   string         // the entry's mail afterwards ("" not checked)
	effect  string         // the execution summary's effect on success ("" not checked)
	policy  bool           // the entry is under mustChangePolicyDN during the call
}

// TestMustChangePassword sets and clears must_change_password on slapd
// (ppolicy loaded, no default policy): with true the entry has pwdReset
// TRUE and the person's bind is answered with ppolicy's "change after
// reset"; with false on update_account pwdReset is gone, even when a
// policy with pwdMustChange set it again for a reset in the same call;
// absent leaves it as it is; a state already as asked is noop; true
// without a password is refused on create_account and accepted on
// update_account; a bind account that may set passwords but not pwdReset
// leaves no account behind on create_account, a set password on
// update_account, and is never refused what needs no write.
func TestMustChangePassword(t *testing.T) {
	ldif := seeded("groupOfNames") + mustChangePolicyLDIF + bindAccountLDIF(resetterDN, "resetter", writerPassword)
	access := "access to attrs=pwdReset\n  by dn.exact=\"" + ldaptest.AdminDN + "\" write\n  by * read\n" +
		"access to attrs=userPassword\n  by dn.exact=\"" + resetterDN + "\" manage\n  by anonymous auth\n  by * none\n" +
		"access to *\n  by dn.exact=\"" + resetterDN + "\" write\n  by * read\n"
	tg := start(t, ldaptest.Options{LDIF: ldif, Access: access}, nil)
	resetter := *tg
	resetter.user, resetter.password = resetterDN, writerPassword
	_, users := byName(t, tg)
	yes := true
	cases := []mustChangeCase{
		{name: "create", tg: tg, capName: "create_account", user: "mc-ada", payload: map[string]any{"password": "Ada-Mc-1", "must_change_password": true},
			exists: true, reset: true, bind: "Ada-Mc-1"},
		{name: "create_suspended", tg: tg, capName: "create_account", user: "mc-bob",
			payload: map[string]any{"password": "Bob-Mc-2", "must_change_password": &yes, "user_status": "SUSPENDED"}, exists: true, reset: true},
		{name: "create_generic", tg: tg.with(map[string]any{"flavor": "generic"}), capName: "create_account", user: "mc-cy",
			payload: map[string]any{"password": "Cy-Mc-3", "must_change_password": true}, exists: true, reset: true, bind: "Cy-Mc-3"},
		{name: "create_false", tg: tg, capName: "create_account", user: "mc-dee", payload: map[string]any{"password": "Dee-Mc-4", "must_change_password": false},
			exists: true, bind: "Dee-Mc-4"},
		{name: "create_absent", tg: tg, capName: "create_account", user: "mc-eve", payload: map[string]any{"password": "Eve-Mc-5"}, exists: true, bind: "Eve-Mc-5"},
		{name: "create_without_password", tg: tg, capName: "create_account", user: "mc-fay", payload: map[string]any{"must_change_password": true},
			code: "bad_request", want: "must_change_password applies to the password set by the same call"},
		{name: "create_may_not_write_pwdReset", tg: &resetter, capName: "create_account", user: "mc-gus",
			payload: map[string]any{"password": "Gus-Mc-6", "must_change_password": true}, code: "permission_denied",
			want: "may not write pwdReset on uid=mc-gus,ou=people,dc=lumos,dc=test (it needs write access to pwdReset"},
		{name: "update", tg: tg, capName: "update_account", user: "u00001", payload: map[string]any{"password": "U1-Mc-7", "must_change_password": true},
			exists: true, reset: true, bind: "U1-Mc-7"},
		// slapd itself deletes pwdReset when a password is set again without
		// a policy saying pwdMustChange: the server's default.
		{name: "update_again_without_flag", tg: tg, capName: "update_account", user: "u00001", payload: map[string]any{"password": "U1-Mc-8"},
			exists: true, bind: "U1-Mc-8"},
		{name: "update_with_attribute", tg: tg, capName: "update_account", user: "u00002",
			payload: map[string]any{"password": "U2-Mc-9", "email": "mc2@lumos.test", "must_change_password": true}, exists: true, reset: true,
			bind: "U2-Mc-9", email: "mc2@lumos.test"},
		{name: "update_false_without_password", tg: tg, capName: "update_account", user: "u00003",
			payload: map[string]any{"email": "mc3@lumos.test", "must_change_password": false}, exists: true, email: "mc3@lumos.test", effect: "updated"},
		// Set alone, cleared alone, each twice; absent leaves it alone.
		{name: "password_first", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"password": "U5-Mc-11"},
			exists: true, bind: "U5-Mc-11", effect: "updated"},
		{name: "set_alone", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"must_change_password": true},
			exists: true, reset: true, bind: "U5-Mc-11", effect: "updated"},
		{name: "set_alone_again_noop", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"must_change_password": true},
			exists: true, reset: true, effect: "noop"},
		{name: "clear_alone", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"must_change_password": false},
			exists: true, bind: "U5-Mc-11", effect: "updated"},
		{name: "clear_alone_again_noop", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"must_change_password": false},
			exists: true, effect: "noop"},
		{name: "set_with_attribute", tg: tg, capName: "update_account", user: "u00005",
			payload: map[string]any{"email": "mc5@lumos.test", "must_change_password": true}, exists: true, reset: true, email: "mc5@lumos.test", effect: "updated"},
		{name: "attribute_alone_keeps_flag", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"email": "mc5b@lumos.test"},
			exists: true, reset: true, email: "mc5b@lumos.test", bind: "U5-Mc-11", effect: "updated"},
		{name: "same_attribute_and_flag_noop", tg: tg, capName: "update_account", user: "u00005",
			payload: map[string]any{"email": "mc5b@lumos.test", "must_change_password": true}, exists: true, reset: true, email: "mc5b@lumos.test", effect: "noop"},
		{name: "clear_with_password", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"password": "U5-Mc-12", "must_change_password": false},
			exists: true, bind: "U5-Mc-12", effect: "updated"},
		{name: "null_alone_is_nothing_asked", tg: tg, capName: "update_account", user: "u00005", payload: map[string]any{"must_change_password": nil},
			code: "bad_request", want: "nothing to change; give at least one of email, given_name, family_name, display_name, password or must_change_password",
			exists: true, bind: "U5-Mc-12"},
		{name: "set_on_account_without_password", tg: tg, capName: "update_account", user: "u00006", payload: map[string]any{"must_change_password": true},
			exists: true, reset: true, effect: "updated"},
		// Under a policy with pwdMustChange, slapd sets pwdReset itself on
		// an administrator's reset; false clears it after the reset.
		{name: "password_under_policy_without_flag", tg: tg, capName: "update_account", user: "u00008", payload: map[string]any{"password": "U8-Mc-13"},
			policy: true, exists: true, reset: true, bind: "U8-Mc-13", effect: "updated"},
		{name: "clear_with_password_under_policy", tg: tg, capName: "update_account", user: "u00008",
			payload: map[string]any{"password": "U8-Mc-14", "must_change_password": false}, policy: true, exists: true, bind: "U8-Mc-14", effect: "updated"},
		// A bind account that may not write pwdReset: refused what needs a
		// write, saying what was done, and not what needs none.
		{name: "may_not_set_alone", tg: &resetter, capName: "update_account", user: "u00007", payload: map[string]any{"must_change_password": true},
			code: "permission_denied", want: "update_account: nothing was changed: must_change_password could not be applied: the bind account may not write pwdReset",
			exists: true},
		{name: "may_not_write_clear_already_noop", tg: &resetter, capName: "update_account", user: "u00007", payload: map[string]any{"must_change_password": false},
			exists: true, effect: "noop"},
		{name: "admin_sets_alone", tg: tg, capName: "update_account", user: "u00007", payload: map[string]any{"must_change_password": true},
			exists: true, reset: true, effect: "updated"},
		{name: "may_not_clear_with_attribute", tg: &resetter, capName: "update_account", user: "u00007",
			payload: map[string]any{"email": "mc7@lumos.test", "must_change_password": false}, code: "permission_denied",
			want:   "update_account: the attributes were changed, but must_change_password could not be applied: the bind account may not write pwdReset",
			exists: true, reset: true, email: "mc7@lumos.test"},
		// slapd deletes pwdReset when the password is set (no policy): no
		// write of pwdReset is left to make.
		{name: "may_not_write_clear_with_password", tg: &resetter, capName: "update_account", user: "u00007",
			payload: map[string]any{"password": "U7-Mc-15", "must_change_password": false}, exists: true, bind: "U7-Mc-15", effect: "updated"},
		// Under a policy with pwdMustChange, slapd sets pwdReset for the
		// reset, and this bind account may not delete it: the error says
		// the password was set.
		{name: "may_not_clear_with_password_under_policy", tg: &resetter, capName: "update_account", user: "u00009",
			payload: map[string]any{"password": "U9-Mc-16", "must_change_password": false}, policy: true, code: "permission_denied",
			want:   "update_account: the password was set, but must_change_password could not be applied: the bind account may not write pwdReset",
			exists: true, reset: true, bind: "U9-Mc-16"},
		{name: "update_may_not_write_pwdReset", tg: &resetter, capName: "update_account", user: "u00004",
			payload: map[string]any{"password": "U4-Mc-10", "email": "mc4@lumos.test", "must_change_password": true}, code: "permission_denied",
			want:   "update_account: the attributes were changed and the password was set, but must_change_password could not be applied",
			exists: true, bind: "U4-Mc-10", email: "mc4@lumos.test"},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if pw, ok := c.payload["password"].(string); ok {
				passwords = append(passwords, pw)
			}
			runMustChange(t, tg, c, users[c.user])
		})
	}
	noSecrets(t, tg, passwords...)
}

// runMustChange makes the call of c (update_account on the account id)
// and checks the entry, read as tg's administrator, and the person's bind.
func runMustChange(t *testing.T, tg *target, c mustChangeCase, id string) {
	t.Helper()
	is := is.New(t)
	payload := map[string]any{}
	for k, v := range c.payload {
		payload[k] = v
	}
	if c.capName == "create_account" {
		payload["username"], payload["entitlements"] = c.user, []any{}
	} else {
		payload["id"] = id
	}
	dn := ldaptest.UserDN(c.user)
	if c.policy {
		underPolicy(t, tg, dn, []string{mustChangePolicyDN})
	}
	if c.code != "" {
		c.tg.fail(t, c.capName, payload, errorCode(c.code), c.want)
	} else {
		env := c.tg.ok(t, c.capName, payload, nil, nil)
		is.True(!strings.Contains(string(env.Response), "must_change")) // the answer does not echo the flag
		if c.effect != "" {
			is.Equal(string(env.ExecutionSummary.Effect.Kind), c.effect)
		}
	}
	if c.policy {
		underPolicy(t, tg, dn, []string{})
	}
	e := directEntry(t, tg, dn, "pwdReset", "mail", "pwdAccountLockedTime")
	is.Equal(e != nil, c.exists) // created, or nothing left behind
	if e == nil {
		return
	}
	is.Equal(e.GetAttributeValue("pwdReset") == "TRUE", c.reset)
	is.Equal(e.GetAttributeValue("pwdAccountLockedTime") != "", payload["user_status"] == "SUSPENDED")
	if c.email != "" {
		is.Equal(e.GetAttributeValue("mail"), c.email)
	}
	if c.bind != "" {
		mustChange, restricted, err := ppolicyBind(t, tg, dn, c.bind)
		is.NoErr(err)                 // the person binds with the new password
		is.Equal(mustChange, c.reset) // and is told to change it, or not,
		is.Equal(restricted, c.reset) // and may do nothing else, or may
	}
}

// TestMustChangeWithoutPPolicy: on a slapd without the ppolicy module,
// pwdReset is unknown: must_change_password true is unsupported_operation,
// the message says what was done (the password set, the attributes
// changed, or nothing); create_account deletes the entry again,
// update_account leaves the rest in place. false has nothing to clear.
func TestMustChangeWithoutPPolicy(t *testing.T) {
	tg := start(t, ldaptest.Options{LDIF: seeded("groupOfNames"), NoPPolicy: true}, nil)
	_, users := byName(t, tg)
	cases := []mustChangeCase{
		{name: "create", tg: tg, capName: "create_account", user: "np-ada", payload: map[string]any{"password": "Ada-Np-1", "must_change_password": true},
			code: "unsupported_operation", want: "was added and its password was set, but must_change_password could not be applied: this directory does not accept pwdReset"},
		{name: "create_then_deleted", tg: tg, capName: "create_account", user: "np-bob", payload: map[string]any{"password": "Bob-Np-2", "must_change_password": true},
			code: "unsupported_operation", want: "; the entry was deleted again (nothing was created)."},
		{name: "update", tg: tg, capName: "update_account", user: "u00001", payload: map[string]any{"password": "U1-Np-3", "must_change_password": true},
			code: "unsupported_operation", want: "update_account: the password was set, but must_change_password could not be applied", exists: true},
		{name: "update_without_flag", tg: tg, capName: "update_account", user: "u00002", payload: map[string]any{"password": "U2-Np-4"}, exists: true},
		{name: "set_alone", tg: tg, capName: "update_account", user: "u00003", payload: map[string]any{"must_change_password": true},
			code: "unsupported_operation", want: "update_account: nothing was changed: must_change_password could not be applied: this directory does not accept pwdReset",
			exists: true},
		{name: "set_with_attribute", tg: tg, capName: "update_account", user: "u00003", payload: map[string]any{"email": "np3@lumos.test", "must_change_password": true},
			code: "unsupported_operation", want: "update_account: the attributes were changed, but must_change_password could not be applied", exists: true,
			email: "np3@lumos.test"},
		{name: "clear_alone_noop", tg: tg, capName: "update_account", user: "u00003", payload: map[string]any{"must_change_password": false},
			exists: true, effect: "noop"},
		{name: "clear_with_password", tg: tg, capName: "update_account", user: "u00004", payload: map[string]any{"password": "U4-Np-5", "must_change_password": false},
			exists: true, effect: "updated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			runMustChange(t, tg, c, users[c.user])
			if pw, ok := c.payload["password"].(string); ok && c.exists {
				is.NoErr(bindAs(tg.srv.URL, "", ldaptest.UserDN(c.user), pw)) // the password was set all the same
			}
		})
	}
	noSecrets(t, tg, "Ada-Np-1", "Bob-Np-2", "U1-Np-3", "U2-Np-4", "U4-Np-5")
}
