package ldap_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/matryer/is"
)

// uids are the uids <prefix>00000 … of n people.
func uids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	return out
}

// TestDrain drains list_accounts across calls at several page sizes, with
// the server sorting (sssvlv) and without (the connector sorts), and checks
// that every person comes exactly once.
func TestDrain(t *testing.T) {
	cases := []struct {
		name  string
		n     int
		o     ldaptest.Options
		sizes []int
	}{
		{"server_sort", 3000, ldaptest.Options{}, []int{1000, 999, 333, 64}},
		{"client_sort", 600, ldaptest.Options{NoSort: true}, []int{600, 250, 7}},
	}
	const fallback = "each page is sorted by the connector"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.o.LDIF = ldaptest.PeopleLDIF("u", c.n)
			tg := start(t, c.o, map[string]any{"page_size": 100})
			for _, size := range c.sizes {
				t.Run(fmt.Sprint(size), func(t *testing.T) {
					is := is.New(t)
					got := usernames(t, drain[account](t, tg, "list_accounts", size))
					is.Equal(got, uids("u", c.n))
				})
			}
			is.New(t).Equal(strings.Contains(tg.logs.String(), fallback), c.o.NoSort) // the server sorts when it can
		})
	}
}

// TestResumeAcrossChanges changes the directory between the calls of a
// drain: entries added after the position are listed, entries deleted
// before being reached are not, nothing is listed twice, and the page
// token does not depend on the connection (each call opens its own).
func TestResumeAcrossChanges(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: ldaptest.PeopleLDIF("u", 200)}, nil)
	var first []account
	env := tg.ok(t, "list_accounts", map[string]any{}, pageOf(50), &first)
	is.Equal(len(first), 50)
	is.True(env.Page != nil)

	c, err := tg.srv.Dial()
	is.NoErr(err)
	defer c.Close()
	// Delete 10 entries not yet listed, and add 20.
	listed := map[string]bool{}
	for _, a := range first {
		listed[a.Username] = true
	}
	var deleted []string
	for _, u := range uids("u", 200) {
		if !listed[u] && len(deleted) < 10 {
			is.NoErr(c.Del(goldap.NewDelRequest(ldaptest.UserDN(u), nil)))
			deleted = append(deleted, u)
		}
	}
	for i := range 20 {
		add := goldap.NewAddRequest(ldaptest.UserDN(fmt.Sprintf("new%02d", i)), nil)
		add.Attribute("objectClass", []string{"inetOrgPerson"})
		add.Attribute("uid", []string{fmt.Sprintf("new%02d", i)})
		add.Attribute("cn", []string{"New"})
		add.Attribute("sn", []string{"New"})
		is.NoErr(c.Add(add))
	}

	rest := first
	for p := env.Page; p != nil; {
		var items []account
		e := tg.ok(t, "list_accounts", map[string]any{}, p, &items)
		rest = append(rest, items...)
		p = e.Page
	}
	got := usernames(t, rest) // fails on a duplicate
	for _, d := range deleted {
		is.True(!slices.Contains(got, d))
	}
	// An entry added with an id below the position is not listed by this
	// drain (the next one has it); every other one is.
	lastFirst := first[len(first)-1].ID
	all := drain[account](t, tg, "list_accounts", 1000)
	is.Equal(len(all), 210)
	for _, a := range all {
		if a.ID > lastFirst {
			is.True(slices.Contains(got, a.Username))
		}
	}
}

// pageOf is the first page of size n.
func pageOf(n int) *toolkit.Page { return &toolkit.Page{Size: n} }
