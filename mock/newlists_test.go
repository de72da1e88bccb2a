package mock_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// newLists are the listings added with the delta reads and the
// applications: each with a payload and its length in a tenant of n.
var newLists = []struct {
	capability string
	payload    any
	total      func(n int64) int // -1: not known in advance
	bound      bool              // the page token is bound to the payload
}{
	{"list_activity_records", map[string]any{"since_date": "2025-12-15T00:00:00Z", "actors": actors("user-0", "user-1", "user-3", "user-5", "user-9")}, nil, true},
	{"list_expenses", map[string]any{"filters": map[string]any{"transaction_date": map[string]any{"start_date": "2025-12-01"}}},
		func(n int64) int { return int(31 * ((n + 19) / 20)) }, true},
	{"list_applications", nil, func(n int64) int { return int(apps(n)) }, false},
	{"list_applications_accounts", nil, func(n int64) int { return int(n) }, false},
	{"list_applications_resources", nil, func(n int64) int { return int(apps(n)) }, false},
	{"list_applications_entitlements", map[string]any{"custom_attributes": []string{"cost_center"}}, func(n int64) int { return int(3 * apps(n)) }, false},
	{"list_applications_entitlement_associations", nil, func(n int64) int { return int(n) }, false},
	{"list_applications_activity_records", map[string]any{"since_date": "2025-12-15T00:00:00Z", "actors": actors("user-0", "user-1", "user-3", "user-5", "user-9")}, nil, true},
}

// Every new listing drains page by page to what one big page holds, in the
// same order, without duplicates, whatever the page size.
func TestNewListingsDrain(t *testing.T) {
	for _, l := range newLists {
		for _, n := range []int64{0, 1, 100, 1234} {
			big := drainRaw(t, l.capability, n, l.payload, 10_000)
			if l.total != nil {
				is.New(t).Equal(len(big), l.total(n))
			}
			seen := map[string]bool{}
			for _, item := range big {
				if seen[string(item)] {
					t.Fatalf("%s tenant=%d: duplicate item %s", l.capability, n, item)
				}
				seen[string(item)] = true
			}
			for _, size := range []int{1, 7, 0} {
				if size == 1 && len(big) > 300 {
					continue
				}
				t.Run(fmt.Sprintf("%s/tenant=%d/size=%d", l.capability, n, size), func(t *testing.T) {
					is := is.New(t)
					got := drainRaw(t, l.capability, n, l.payload, size)
					is.Equal(len(got), len(big))
					for k := range got {
						if string(got[k]) != string(big[k]) {
							t.Fatalf("item %d: %s, want %s", k, got[k], big[k])
						}
					}
				})
			}
		}
	}
}

// Tampered, foreign and re-bound tokens are invalid_page_token on every new listing.
func TestNewListingsTamperedTokens(t *testing.T) {
	const n = 1234
	_, accountsNext := ok[[]json.RawMessage](t, "list_accounts", req(n, nil, &toolkit.Page{Size: 1}))
	for _, l := range newLists {
		t.Run(l.capability, func(t *testing.T) {
			is := is.New(t)
			o := run(t, l.capability, req(n, l.payload, &toolkit.Page{Size: 1}))
			is.True(!o.IsError)
			is.True(o.Page != nil)
			valid := o.Page.Token
			is.True(!run(t, l.capability, req(n, l.payload, o.Page)).IsError)
			forged, err := pagetoken.Encode("mock/"+l.capability, offset{O: 1})
			is.NoErr(err)
			bad := []string{"garbage", valid[:len(valid)-1], valid + "A", flipAt(valid, 0), flipAt(valid, len(valid)/2), accountsNext.Token}
			if l.bound {
				bad = append(bad, forged) // signed for the capability but not for this payload
			}
			for _, tok := range bad {
				mustFailCall(t, l.capability, req(n, l.payload, &toolkit.Page{Token: tok, Size: 1}), "invalid_page_token")
			}
			// A token of this listing is refused by every other new listing.
			for _, other := range newLists {
				if other.capability != l.capability {
					mustFailCall(t, other.capability, req(n, other.payload, o.Page), "invalid_page_token")
				}
			}
		})
	}
}
