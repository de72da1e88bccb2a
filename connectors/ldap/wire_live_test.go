package ldap_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// captureEnv names a folder: when set, TestWireMatchesGoLDAP writes there
// the server's bytes of each search named in its table (how testdata/wire
// was made: LDAP_WIRE_CAPTURE=$PWD/testdata/wire go test -run WireMatches).
const captureEnv = "LDAP_WIRE_CAPTURE"

// wireCase is one search run by both clients.
type wireCase struct {
	name    string // also the capture's file name, when capture is set
	capture bool
	req     func() *goldap.SearchRequest
}

// search is a search request of the whole subtree.
func search(base string, size int, filter string, attrs []string, controls ...goldap.Control) func() *goldap.SearchRequest {
	return func() *goldap.SearchRequest {
		return goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, size, 0, false, filter, attrs, controls)
	}
}

// baseRead is a search request of one entry.
func baseRead(dn string, attrs ...string) func() *goldap.SearchRequest {
	return func() *goldap.SearchRequest {
		return goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", attrs, nil)
	}
}

// TestWireMatchesGoLDAP runs searches of every shape the connector makes
// (and a few failing ones) against slapd and Samba AD, once with go-ldap
// and once with the connector's own reader, and requires the same
// entries (DN, attribute names, values, byte values, in order), references,
// controls and errors.
func TestWireMatchesGoLDAP(t *testing.T) {
	tg := start(t, ldaptest.Options{LDIF: ldaptest.PeopleLDIF("u", 1200) + ldaptest.GroupLDIF("groupOfNames", "all", peopleDNs(1200))}, nil)
	sortUUID := goldap.NewControlServerSideSortingWithSortKeys([]*goldap.SortKey{{AttributeType: "entryUUID", MatchingRule: "UUIDOrderingMatch"}})
	sortGUID := goldap.NewControlServerSideSortingWithSortKeys([]*goldap.SortKey{{AttributeType: "objectGUID"}})
	people := []string{"entryUUID", "uid", "mail", "givenName", "sn", "cn", "displayName", "userAccountControl", "pwdAccountLockedTime"}
	slapd := []wireCase{
		{"slapd-rootdse", true, baseRead("", "defaultNamingContext", "namingContexts", "supportedControl")},
		{"slapd-people", true, search(ldaptest.PeopleDN, 0, "(objectClass=inetOrgPerson)", people, sortUUID, goldap.NewControlPaging(1000))},
		{"slapd-group", true, search(ldaptest.GroupsDN, 0, "(objectClass=groupOfNames)", []string{"entryUUID", "cn", "member"})},
		{"slapd-operational", true, baseRead(ldaptest.BaseDN, "*", "+")},
		{"slapd-size-limit", false, search(ldaptest.PeopleDN, 5, "(objectClass=inetOrgPerson)", []string{"uid"})},
		{"slapd-no-such-object", false, search("ou=nowhere,"+ldaptest.BaseDN, 0, "(objectClass=*)", nil)},
		{"slapd-no-attributes", false, search(ldaptest.PeopleDN, 0, "(uid=u0000*)", []string{"1.1"})},
	}
	t.Run("slapd", func(t *testing.T) {
		compareClients(t, tg.settings, tg.user, tg.password, tg.srv.Dial, slapd)
	})
	a := startAD(t)
	adSettings := map[string]any{"url": a.LDAPSURL, "ca_certificate": a.CAPEM, "flavor": "active_directory"}
	ad := []wireCase{
		{"ad-rootdse", true, baseRead("", "defaultNamingContext", "namingContexts", "supportedControl")},
		{"ad-people", true, search(adPeople, 0, "(&(objectCategory=person)(objectClass=user))",
			[]string{"objectGUID", "sAMAccountName", "mail", "givenName", "sn", "cn", "displayName", "userAccountControl"}, sortGUID, goldap.NewControlPaging(1000))},
		{"ad-range", true, search(adGroups, 0, "(cn=big)", []string{"objectGUID", "member"})},
		{"ad-domain", true, baseRead(ldaptest.ADBaseDN, "objectGUID", "objectSid", "name", "whenCreated")},
		{"ad-references", true, search(ldaptest.ADBaseDN, 0, "(objectClass=domain)", []string{"objectGUID"})},
	}
	t.Run("ad", func(t *testing.T) {
		compareClients(t, adSettings, ldaptest.ADAdmin, a.AdminPassword, a.Dial, ad)
	})
}

// peopleDNs are the DNs of people u00000… of PeopleLDIF.
func peopleDNs(n int) []string {
	var out []string
	for _, u := range uids("u", n) {
		out = append(out, ldaptest.UserDN(u))
	}
	return out
}

// compareClients runs each case with go-ldap (dial) and the connector's
// reader (settings) and compares what they return.
func compareClients(t *testing.T, settings map[string]any, user, password string, dial func() (*goldap.Conn, error), cases []wireCase) {
	dir := os.Getenv(captureEnv)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			conn, err := dial()
			is.NoErr(err)
			defer conn.Close()
			want, wantErr := conn.Search(c.req())
			var rec bytes.Buffer
			got, gotErr := ldap.WireSearch(context.Background(), settings, user, password, c.req(), &rec)
			is.Equal(gotErr == nil, wantErr == nil) // both fail or neither
			if wantErr != nil {
				is.Equal(gotErr.Error(), wantErr.Error())
				is.True(goldap.IsErrorWithCode(gotErr, wantErr.(*goldap.Error).ResultCode))
			}
			is.True(want != nil && got != nil)
			is.True(len(want.Entries) > 0 || wantErr != nil)      // the case reads something
			is.True(reflect.DeepEqual(got.Entries, want.Entries)) // same entries
			is.Equal(got.Referrals, want.Referrals)
			is.Equal(controlNames(got.Controls), controlNames(want.Controls))
			if c.capture && dir != "" {
				is.NoErr(os.WriteFile(filepath.Join(dir, c.name+".ber"), rec.Bytes(), 0o644))
			}
		})
	}
}

// controlNames are the types of controls and, but for paging (whose cookie
// differs from one search to the next), their contents.
func controlNames(cs []goldap.Control) []string {
	var out []string
	for _, c := range cs {
		if c.GetControlType() == goldap.ControlTypePaging {
			out = append(out, c.GetControlType())
			continue
		}
		out = append(out, c.String())
	}
	return out
}

// TestWireBindFailureHidesPassword: the reader's failed binds (wrong
// password, unknown DN, after StartTLS, over ldaps://) are errors that
// never hold the password, however printed.
func TestWireBindFailureHidesPassword(t *testing.T) {
	tg := start(t, ldaptest.Options{}, nil)
	const password = "Secret/Bind+Password-9876543210"
	cases := []struct {
		name     string
		user     string
		settings map[string]any
	}{
		{"wrong_password", ldaptest.AdminDN, nil},
		{"unknown_dn", "cn=nobody," + ldaptest.BaseDN, nil},
		{"starttls", ldaptest.AdminDN, map[string]any{"start_tls": true, "ca_certificate": tg.srv.CAPEM}},
		{"ldaps", ldaptest.AdminDN, map[string]any{"url": tg.srv.LDAPSURL, "ca_certificate": tg.srv.CAPEM}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			_, err := ldap.WireSearch(context.Background(), tg.with(c.settings).settings, c.user, password, baseRead(ldaptest.BaseDN)(), nil)
			is.True(goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials))
			for _, form := range []string{"%v", "%+v", "%#v"} {
				is.True(!strings.Contains(fmt.Sprintf(form, err), password))
			}
		})
	}
}
