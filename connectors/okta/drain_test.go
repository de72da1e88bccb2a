package okta_test

import (
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
)

// TestDrainUnderRateLimits drains 5,000 users (and 5,000 group
// memberships) while the fake answers list requests with 429s, per-endpoint
// limits (Remaining 0 and a Reset), concurrency limits (Remaining above 0)
// or both: every user and membership comes back exactly once, in order, and
// the client waited before retrying. The big drains use the fake without
// its validator (slow under -race); a smaller drain with both kinds of 429
// is validated against the description.
func TestDrainUnderRateLimits(t *testing.T) {
	cases := []struct {
		name       string
		users      int
		rate, conc int
		validated  bool
	}{
		{"per_endpoint", 5000, 4, 0, false},
		{"concurrency", 5000, 0, 3, false},
		{"both", 5000, 5, 7, false},
		{"both_validated", 1200, 5, 7, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			users := c.users
			e := newEnv(t, nil)
			if !c.validated {
				e = newPlainEnv(t)
			}
			ids := e.f.AddUsers(users)
			groups := []string{e.f.AddGroup(oktafake.Group{Name: "a"}), e.f.AddGroup(oktafake.Group{Name: "b"})}
			for i, id := range ids {
				e.f.AddMember(groups[i%2], id)
			}
			e.f.ThrottleEvery(c.rate, false)
			e.f.ThrottleEvery(c.conc, true)
			before := sleeps.Load()
			accs, calls := drain[account](e, "list_accounts", 1000)
			is.Equal(calls, (users+999)/1000)
			seen := map[string]bool{}
			for i, a := range accs {
				is.True(!seen[a.ID]) // no duplicate
				seen[a.ID] = true
				if a.ID != ids[i] {
					t.Fatalf("account %d is %s, want %s", i, a.ID, ids[i])
				}
			}
			is.Equal(len(accs), users) // nothing lost
			is.True(sleeps.Load() > before)

			as, _ := drain[association](e, "find_entitlement_associations", 1000)
			got := map[string]bool{}
			for _, a := range as {
				key := a.String()
				if got[key] {
					t.Fatalf("association %s twice", key)
				}
				got[key] = true
			}
			is.Equal(len(got), users)
			for i, id := range ids {
				if !got[fmt.Sprintf("%s|%s|", id, groups[i%2])] {
					t.Fatalf("membership of %s lost", id)
				}
			}
		})
	}
}
