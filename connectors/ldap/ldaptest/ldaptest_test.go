package ldaptest_test

import (
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// TestStart starts slapd seeded with people and reads them back over
// ldap:// and ldaps://, sorted by entryUUID through sssvlv, and filtered by
// an entryUUID ordering match.
func TestStart(t *testing.T) {
	is := is.New(t)
	s, err := ldaptest.Start(ldaptest.Options{LDIF: ldaptest.PeopleLDIF("p", 30)})
	is.NoErr(err)
	t.Cleanup(s.Stop)
	c, err := s.Dial()
	is.NoErr(err)
	defer c.Close()
	sort := ldap.NewControlServerSideSortingWithSortKeys([]*ldap.SortKey{{AttributeType: "entryUUID", MatchingRule: "UUIDOrderingMatch"}})
	res, err := c.Search(ldap.NewSearchRequest(ldaptest.PeopleDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=inetOrgPerson)", []string{"entryUUID", "uid"}, []ldap.Control{sort}))
	is.NoErr(err)
	is.Equal(len(res.Entries), 30)
	for i := 1; i < len(res.Entries); i++ {
		is.True(res.Entries[i-1].GetAttributeValue("entryUUID") < res.Entries[i].GetAttributeValue("entryUUID"))
	}
	mid := res.Entries[14].GetAttributeValue("entryUUID")
	res2, err := c.Search(ldap.NewSearchRequest(ldaptest.PeopleDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=inetOrgPerson)(entryUUID>="+mid+"))", []string{"entryUUID"}, nil))
	is.NoErr(err)
	is.Equal(len(res2.Entries), 16)
	tc, err := ldap.DialURL(s.LDAPSURL, ldap.DialWithTLSConfig(s.TLSConfig()))
	is.NoErr(err)
	defer tc.Close()
	is.NoErr(tc.Bind(ldaptest.AdminDN, s.AdminPassword))
}
