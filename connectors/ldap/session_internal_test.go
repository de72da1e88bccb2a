package ldap

import (
	"context"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// TestConnectionModel: a listing reads through the connector's own
// connection and never opens the one for writes; the first write opens it,
// and the reads after it go through it (and see the write).
func TestConnectionModel(t *testing.T) {
	is := is.New(t)
	srv, err := ldaptest.Start(ldaptest.Options{LDIF: ldaptest.PeopleLDIF("u", 30)})
	is.NoErr(err)
	defer srv.Stop()
	ctx := context.Background()
	c := &config{Settings: Settings{URL: srv.URL, Timeout: 10, PageSize: 10, IDAttribute: "entryUUID", BaseDN: ldaptest.BaseDN}}
	ss, err := connect(ctx, c, ldaptest.AdminDN, srv.AdminPassword)
	is.NoErr(err)
	defer ss.close()
	is.NoErr(ss.resolveBases(ctx))
	items, _, more, err := ss.rangedPage(ctx, ldaptest.PeopleDN, "(objectClass=inetOrgPerson)", position{n: 20}, []string{"uid"})
	is.NoErr(err)
	is.Equal(len(items), 20)
	is.True(more)
	is.True(ss.conn.conn == nil)           // no connection for writes was opened
	is.Equal(ss.reader(), searcher(ss.rd)) // reads go through the reader
	mod := goldap.NewModifyRequest(ldaptest.UserDN("u00003"), nil)
	mod.Replace("description", []string{"written"})
	is.NoErr(ss.conn.Modify(mod))
	is.True(ss.conn.conn != nil)                  // the write opened it
	is.Equal(ss.reader(), searcher(ss.conn.conn)) // and reads follow it
	res, err := ss.search(ctx, goldap.NewSearchRequest(ldaptest.UserDN("u00003"), goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"description"}, nil))
	is.NoErr(err)
	is.Equal(res.Entries[0].GetAttributeValue("description"), "written")
}
