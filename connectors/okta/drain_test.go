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
// the client waited before retrying.
func TestDrainUnderRateLimits(t *testing.T) {
	const users = 5000
	cases := []struct {
		name       string
		rate, conc int
	}{
		{"per_endpoint", 4, 0},
		{"concurrency", 0, 3},
		{"both", 5, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newEnv(t, nil)
			ids := e.f.AddUsers(users)
			groups := []string{e.f.AddGroup(oktafake.Group{Name: "a"}), e.f.AddGroup(oktafake.Group{Name: "b"})}
			for i, id := range ids {
				e.f.AddMember(groups[i%2], id)
			}
			e.f.ThrottleEvery(c.rate, false)
			e.f.ThrottleEvery(c.conc, true)
			before := sleeps.Load()
			accs, calls := drain[account](e, "list_accounts", 1000)
			is.Equal(calls, users/1000)
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
