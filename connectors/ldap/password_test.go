package ldap_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// created is create_account's answer.
type created struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// bindAs binds to url (trusting caPEM for ldaps://) as dn with password.
func bindAs(url, caPEM, dn, password string) error {
	var opts []goldap.DialOpt
	if strings.HasPrefix(url, "ldaps://") {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM([]byte(caPEM))
		opts = append(opts, goldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	}
	c, err := goldap.DialURL(url, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Bind(dn, password)
}

// noSecrets fails when a password shows in an answer or a log record of
// tg, as it is or with its non-ASCII letters escaped (\u00fc).
func noSecrets(t *testing.T, tg *target, passwords ...string) {
	t.Helper()
	for _, pw := range passwords {
		escaped := strings.Trim(strconv.QuoteToASCII(pw), `"`)
		for _, form := range []string{pw, escaped} {
			if strings.Contains(tg.outputs.String(), form) {
				t.Fatalf("a password was in an answer: %s", tg.outputs.String())
			}
			if strings.Contains(tg.logs.String(), form) {
				t.Fatal("a password was in a log record")
			}
		}
	}
}

// The bind accounts of TestCreateWithPassword besides the administrator:
// the writer may add and delete entries, the adder only add them; neither
// may write passwords.
const (
	writerDN       = "cn=writer," + ldaptest.BaseDN
	adderDN        = "cn=adder," + ldaptest.BaseDN
	writerPassword = "Writer-Bind-0451"
)

// bindAccountLDIF is LDIF for a bind account entry with a password.
func bindAccountLDIF(dn, cn, password string) string {
	return "dn: " + dn + "\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: " + cn + "\nuserPassword: " + password + "\n\n"
}

// TestCreateWithPassword creates accounts with a password on slapd: the
// person can bind with it, the directory holds it hashed, a wrong password
// is refused; a password the bind account may not set leaves no entry.
func TestCreateWithPassword(t *testing.T) {
	ldif := seeded("groupOfNames") + bindAccountLDIF(writerDN, "writer", writerPassword) + bindAccountLDIF(adderDN, "adder", writerPassword)
	access := "access to attrs=userPassword\n  by anonymous auth\n  by * none\n" +
		"access to *\n  by dn.exact=\"" + writerDN + "\" write\n  by dn.exact=\"" + adderDN + "\" add\n  by * read\n"
	tg := start(t, ldaptest.Options{LDIF: ldif, Access: access}, nil)
	writer, adder := *tg, *tg
	writer.user, writer.password = writerDN, writerPassword
	adder.user, adder.password = adderDN, writerPassword
	cases := []struct {
		name    string
		tg      *target
		payload map[string]any
		code    string // "" for success
		want    string // in the error message
		status  string
		bind    string // binding with the password afterwards: "ok", "refused", or "" (not checked)
	}{
		{"openldap", tg, map[string]any{"username": "pw-ada", "given_name": "Ada", "password": "Ada-Pw-1 ünïcode"}, "", "", "ACTIVE", "ok"},
		{"generic", tg.with(map[string]any{"flavor": "generic"}), map[string]any{"username": "pw-bob", "password": "Bob-Pw-2"}, "", "", "ACTIVE", "ok"},
		{"ldaps", tg.with(map[string]any{"url": tg.srv.LDAPSURL, "ca_certificate": tg.srv.CAPEM}), map[string]any{"username": "pw-cy", "password": "Cy-Pw-3"},
			"", "", "ACTIVE", "ok"},
		// The test server has no default password policy, so slapd does not
		// refuse a locked account's bind: the lock is checked in the entry.
		{"suspended", tg, map[string]any{"username": "pw-dee", "password": "Dee-Pw-4", "user_status": "SUSPENDED"}, "", "", "SUSPENDED", ""},
		{"no_password", tg, map[string]any{"username": "pw-eve"}, "", "", "ACTIVE", ""},
		{"empty_password", tg, map[string]any{"username": "pw-fay", "password": ""}, "bad_request", "password is empty", "", ""},
		{"may_not_set_passwords", &writer, map[string]any{"username": "pw-gus", "password": "Gus-Pw-5"}, "permission_denied",
			"so the entry was deleted again", "", ""},
		{"may_not_delete_either", &adder, map[string]any{"username": "pw-hap", "password": "Hap-Pw-6"}, "permission_denied",
			"deleting the entry again failed too", "", ""},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			c.payload["entitlements"] = []any{}
			password, _ := c.payload["password"].(string)
			if password != "" {
				passwords = append(passwords, password)
			}
			dn := ldaptest.UserDN(c.payload["username"].(string))
			if c.code != "" {
				c.tg.fail(t, "create_account", c.payload, errorCode(c.code), c.want)
				left := directEntry(t, tg, dn, "userPassword")
				if c.tg != &adder {
					is.True(left == nil) // nothing left behind
					return
				}
				// The adder may not delete: the entry is left (the error names it),
				// with no password, and a retry is refused, not taken as done.
				is.True(left != nil)
				is.Equal(left.GetAttributeValue("userPassword"), "")
				c.tg.fail(t, "create_account", c.payload, errorCode("bad_request"), "Already Exists")
				return
			}
			var got created
			c.tg.ok(t, "create_account", c.payload, nil, &got)
			is.Equal(got.Status, c.status)
			e := directEntry(t, tg, dn, "userPassword", "entryUUID", "pwdAccountLockedTime")
			is.True(e != nil)
			is.Equal(e.GetAttributeValue("entryUUID"), got.ID)
			is.Equal(e.GetAttributeValue("pwdAccountLockedTime") != "", c.status == "SUSPENDED") // locked as asked
			stored := e.GetAttributeValue("userPassword")
			if password == "" {
				is.Equal(stored, "") // no password asked for, none set
				return
			}
			is.True(strings.HasPrefix(stored, "{"))      // hashed by the server ({SSHA} …)
			is.True(!strings.Contains(stored, password)) // never the clear text
			if c.bind != "" {
				is.Equal(bindAs(tg.srv.URL, "", dn, password) == nil, c.bind == "ok")
			}
			err := bindAs(tg.srv.URL, "", dn, password+"x")
			is.True(goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials)) // a wrong password fails
		})
	}
	noSecrets(t, tg, passwords...)
}

// TestADCreateWithPassword creates accounts with a password in the Samba
// domain: over ldaps:// and StartTLS the person binds with it and the
// account is enabled (userAccountControl 512); over plain ldap://, with a
// password the domain's policy refuses, or with a flavor that would need
// RFC 3062, nothing is created.
func TestADCreateWithPassword(t *testing.T) {
	a := startAD(t)
	tg := adTarget(t, nil)
	cases := []struct {
		name    string
		tg      *target
		payload map[string]any
		cn      string // the entry's CN
		code    string // "" for success
		want    string // in the error message
		uac     int
		bind    string // binding with the password afterwards: "ok", "refused", or "" (not checked)
	}{
		{"ldaps", tg, map[string]any{"username": "pwcarol", "given_name": "Carol", "family_name": "Pw", "password": "Carol-Pw-7x!"},
			"Carol Pw", "", "", 512, "ok"},
		{"starttls", tg.with(map[string]any{"url": a.URL, "start_tls": true}), map[string]any{"username": "pwdan", "password": "Dan-Pw-8y?"},
			"pwdan", "", "", 512, "ok"},
		{"suspended", tg, map[string]any{"username": "pwerin", "password": "Erin-Pw-9z#", "user_status": "SUSPENDED"},
			"pwerin", "", "", 514, "refused"},
		{"no_password", tg, map[string]any{"username": "pwfrank"}, "pwfrank", "", "", 544, ""},
		{"plain_ldap", tg.with(map[string]any{"url": a.URL, "ca_certificate": nil}), map[string]any{"username": "pwgina", "password": "Gina-Pw-0a!"},
			"pwgina", "bad_request", "only over TLS", 0, ""},
		{"too_short", tg, map[string]any{"username": "pwhal", "password": "H-1a"},
			"pwhal", "bad_request", "password policy", 0, ""},
		{"generic_flavor", tg.with(map[string]any{"flavor": "generic", "id_attribute": "objectGUID", "login_attribute": "sAMAccountName"}),
			map[string]any{"username": "pwivy", "password": "Ivy-Pw-1b!"}, "", "unsupported_operation", "Password Modify", 0, ""},
	}
	var passwords []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			c.payload["entitlements"] = []any{}
			password, _ := c.payload["password"].(string)
			if password != "" {
				passwords = append(passwords, password)
			}
			dn := adUserDN(c.cn)
			if c.code != "" {
				c.tg.fail(t, "create_account", c.payload, errorCode(c.code), c.want)
				login := c.payload["username"].(string)
				is.Equal(adCount(t, "(sAMAccountName="+login+")"), 0) // nothing created
				return
			}
			var got created
			c.tg.ok(t, "create_account", c.payload, nil, &got)
			t.Cleanup(func() { tg.ok(t, "delete_account", map[string]any{"account_id": got.ID}, nil, nil) })
			e := adEntry(t, dn, "userAccountControl")
			is.True(e != nil)
			is.Equal(e.GetAttributeValue("userAccountControl"), strconv.Itoa(c.uac))
			if c.bind == "" {
				return
			}
			is.Equal(bindAs(a.LDAPSURL, a.CAPEM, dn, password) == nil, c.bind == "ok")
			err := bindAs(a.LDAPSURL, a.CAPEM, dn, password+"x")
			is.True(goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials)) // a wrong password fails
		})
	}
	noSecrets(t, tg, passwords...)
}

// adCount is how many entries below the people OU match filter.
func adCount(t *testing.T, filter string) int {
	t.Helper()
	c, err := startAD(t).Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Search(goldap.NewSearchRequest(adPeople, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, filter, []string{"1.1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Entries)
}

// TestPasswordSchema: info shows create_account's password as a secret (as
// the credential's password), and only it.
func TestPasswordSchema(t *testing.T) {
	is := is.New(t)
	out, err := ldap.Integration().InfoDocument()
	is.NoErr(err)
	var info struct {
		Response struct {
			Schemas map[string]struct {
				Argument struct {
					Properties map[string]map[string]any `json:"properties"`
				} `json:"argument"`
			} `json:"capability_schema"`
		} `json:"response"`
	}
	is.NoErr(json.Unmarshal(out, &info))
	props := info.Response.Schemas["create_account"].Argument.Properties
	cases := []struct {
		field  string
		secret bool
	}{
		{"password", true},
		{"username", false},
		{"email", false},
		{"must_change_password", false},
	}
	for _, c := range cases {
		p, ok := props[c.field]
		is.True(ok) // the field is in the schema
		is.Equal(p["x-secret"] == true, c.secret)
		is.Equal(p["x-field_type"] == "SECRET", c.secret)
	}
	is.True(strings.Contains(props["password"]["description"].(string), "RFC 3062"))
}
