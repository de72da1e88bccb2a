package ldap_test

import (
	"fmt"
	"testing"

	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/matryer/is"
)

// TestExactMore drains at page sizes that divide the number of people, at
// LDAP page sizes below, at and above the Lumos page size: every call but
// none after the last page is made (the last full page says no more
// follow), and no page is empty.
func TestExactMore(t *testing.T) {
	const people = 2000
	tg := start(t, ldaptest.Options{LDIF: ldaptest.PeopleLDIF("u", people)}, nil)
	cases := []struct{ size, ldapPage int }{
		{1000, 1000}, {1000, 100}, {500, 1000}, {250, 250}, {2000, 500}, {400, 999},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d_ldap%d", c.size, c.ldapPage), func(t *testing.T) {
			is := is.New(t)
			tt := tg.with(map[string]any{"page_size": c.ldapPage})
			p, calls, got := pageOf(c.size), 0, []account{}
			for p != nil {
				var items []account
				env := tt.ok(t, "list_accounts", map[string]any{}, p, &items)
				calls++
				is.Equal(len(items), c.size) // never a short or empty page
				got = append(got, items...)
				p = env.Page
			}
			is.Equal(calls, people/c.size)
			is.Equal(usernames(t, got), uids("u", people))
		})
	}
}
