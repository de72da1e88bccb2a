package scim_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/scim"
	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
)

// TestLargeGroup drains the memberships of one group of 3,000 users (and a
// small and an empty group) with membership_source users_by_group: every
// membership comes once, no group is ever read with its members, every
// Users request asks for page_size at most, and the upstream requests stay
// within one per page_size members plus the re-read of a page where a Lumos
// page ends inside it. Assigning to the large group reads it without its
// members too.
func TestLargeGroup(t *testing.T) {
	const members, count = 3000, 100
	for _, size := range []int{1000, 333} {
		t.Run(fmt.Sprintf("size%d", size), func(t *testing.T) {
			is := is.New(t)
			f, tg := newTarget(t, scimfake.Options{}, map[string]any{"membership_source": "users_by_group", "page_size": count})
			ids := make([]string, members+1)
			for i := range ids {
				ids[i] = f.AddUser(map[string]any{"userName": fmt.Sprintf("user%d", i)})
			}
			big := f.AddGroup("big", ids[:members]...)
			small := f.AddGroup("small", ids[0], ids[members])
			f.AddGroup("empty")
			f.Requests(true)

			as, calls := scimsuite.Drain[association](t, tg, "find_entitlement_associations", size)
			is.Equal(len(as), members+2)
			seen := map[association]bool{}
			for _, a := range as {
				is.True(!seen[a]) // each membership once
				seen[a] = true
			}
			is.True(seen[association{AccountID: ids[members-1], EntitlementID: big}])
			is.True(seen[association{AccountID: ids[members], EntitlementID: small}])

			users := 0
			for _, r := range f.Requests(true) {
				u, err := url.Parse(r.URI)
				is.NoErr(err)
				q := u.Query()
				if strings.HasSuffix(u.Path, "/Groups") {
					is.Equal(q.Get("excludedAttributes"), "members") // never a group with its members
					continue
				}
				users++
				is.True(strings.HasPrefix(q.Get("filter"), "groups.value eq "))
				n, _ := strconv.Atoi(q.Get("count"))
				is.True(n <= count)
			}
			// 30 pages of the big group, one each for the small and empty
			// groups, and at most one re-read per Lumos call.
			is.True(users <= members/count+2+calls)

			tg.OK(t, "assign_entitlement", map[string]any{"account_integration_specific_id": ids[members], "resource_integration_specific_id": "",
				"resource_type": scim.ResourceTypeTenant, "entitlement_type": scim.EntitlementTypeGroupMember, "entitlement_integration_specific_id": big}, nil)
			is.Equal(len(f.Members(big)), members+1)
			for _, r := range f.Requests(true) {
				if r.Method == http.MethodGet && strings.Contains(r.URI, "/Groups/") {
					is.True(strings.Contains(r.URI, "excludedAttributes=members"))
				}
			}
		})
	}
}
