package mock_test

import (
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

const bigTenant = 10_000_000

func TestBigTenant(t *testing.T) {
	is := is.New(t)

	// The first page, then three more by following the tokens.
	var page *toolkit.Page
	next := 0
	for p := range 4 {
		accounts, np := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(bigTenant, nil, page))
		is.Equal(len(accounts), 100)
		for _, a := range accounts {
			is.Equal(a.IntegrationSpecificID, fmt.Sprint("user-", next)) // contiguous across pages
			next++
		}
		if np == nil {
			t.Fatalf("page %d: no next page in a tenant of %d", p, bigTenant)
		}
		page = np
	}

	// A crafted continuation near the end reads to the last account.
	token, err := pagetoken.Encode("mock/list_accounts", offset{O: bigTenant - 250})
	is.NoErr(err)
	page = &toolkit.Page{Token: token, Size: 100}
	var tail []string
	for range 10 {
		accounts, np := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(bigTenant, nil, page))
		for _, a := range accounts {
			tail = append(tail, a.IntegrationSpecificID)
		}
		if np == nil {
			break
		}
		page = np
	}
	is.Equal(len(tail), 250)
	is.Equal(tail[0], "user-9999750")
	is.Equal(tail[len(tail)-1], "user-9999999")

	// The associations end at the last account too.
	token, err = pagetoken.Encode("mock/find_entitlement_associations", offset{O: 2*bigTenant - 3})
	is.NoErr(err)
	assocs, np := ok[[]toolkit.FoundEntitlementAssociation](t, "find_entitlement_associations",
		req(bigTenant, nil, &toolkit.Page{Token: token}))
	is.Equal(np, nil)
	is.Equal(len(assocs), 3)
	is.Equal(assocs[2].AccountID, "user-9999999")

	// The resources: one per 25 accounts, plus the tenant.
	token, err = pagetoken.Encode("mock/list_resources", offset{O: bigTenant/25 - 1})
	is.NoErr(err)
	resources, np := ok[[]toolkit.FoundResourceData](t, "list_resources", req(bigTenant, nil, &toolkit.Page{Token: token}))
	is.Equal(np, nil)
	is.Equal(len(resources), 2)
	is.Equal(resources[1].IntegrationSpecificID, fmt.Sprint("team-", bigTenant/25-1))

	a, _ := ok[toolkit.FoundAccountData](t, "get_account", req(bigTenant, map[string]any{"account_id": "user-9999999"}, nil))
	is.Equal(a.IntegrationSpecificID, "user-9999999")
	is.Equal(errorCode(t, "get_account", req(bigTenant, map[string]any{"account_id": "user-10000000"}, nil)), "not_found")
	ga, _ := ok[[]toolkit.FoundEntitlementAssociation](t, "get_account_entitlement_associations",
		req(bigTenant, map[string]any{"account_id": "user-9999999"}, nil))
	is.Equal(len(ga), 2)
}

// BenchmarkListAccountsPageDeepInBigTenant shows a page near the end of a
// tenant of ten million accounts costs what the first page does.
func BenchmarkListAccountsPageDeepInBigTenant(b *testing.B) {
	deep, err := pagetoken.Encode("mock/list_accounts", struct {
		O int64 `json:"o"`
	}{O: 9_999_000})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		page *toolkit.Page
	}{
		{"start", &toolkit.Page{Size: 100}},
		{"deep", &toolkit.Page{Token: deep, Size: 100}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := req(bigTenant, nil, bc.page)
			if r := dispatch(b, "list_accounts", c); r.IsError || r.Page == nil {
				b.Fatalf("unexpected response: %+v", r)
			}
			b.ReportAllocs()
			for b.Loop() {
				dispatchRaw(b, "list_accounts", c)
			}
		})
	}
}
