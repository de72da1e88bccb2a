package mock_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// offset is the mock's page token state (mock/paging.go: cursor).
type offset struct {
	O int64 `json:"o"`
}

// drainStats describes one listing read to its end.
type drainStats struct {
	keys  []string // the key of every item, in order
	pages []int    // the number of items on every page
}

// drain follows page.token from the first page until page is null,
// checking that no token repeats and that every page but the last is full.
// size 0 asks for the default page size.
func drain[T any](t *testing.T, capability string, n int64, size int, key func(T) string) drainStats {
	t.Helper()
	is := is.New(t)
	want := size
	if want == 0 {
		want = mock.DefaultPageSize
	}
	var page *toolkit.Page
	if size > 0 {
		page = &toolkit.Page{Size: size}
	}
	var st drainStats
	tokens := map[string]bool{}
	for {
		r := dispatch(t, capability, req(n, nil, page))
		if r.IsError {
			t.Fatalf("%s page %d: %s: %s", capability, len(st.pages), r.Error.ErrorCode, r.Error.Message)
		}
		is.True(!bytes.Equal(r.Response, []byte("null"))) // a listing is [], never null
		var items []T
		is.NoErr(json.Unmarshal(r.Response, &items))
		st.pages = append(st.pages, len(items))
		for _, it := range items {
			st.keys = append(st.keys, key(it))
		}
		if r.Page == nil {
			is.True(len(items) <= want) // the last page is no bigger than a page
			return st
		}
		is.Equal(len(items), want) // every page before the last is full
		is.True(r.Page.Token != "")
		is.True(!tokens[r.Page.Token]) // a token never repeats
		tokens[r.Page.Token] = true
		if len(st.pages) > 100_000 {
			t.Fatalf("%s: no end after %d pages", capability, len(st.pages))
		}
		page = r.Page // sent back unchanged, as the protocol asks
	}
}

func accountKey(a toolkit.FoundAccountData) string { return a.IntegrationSpecificID }

func resourceKey(r toolkit.FoundResourceData) string { return r.IntegrationSpecificID }

func entitlementKey(e toolkit.FoundEntitlementData) string {
	return e.IntegrationSpecificID + "\x00" + e.IntegrationSpecificResourceID
}

func associationKey(a toolkit.FoundEntitlementAssociation) string {
	return a.AccountID + "\x00" + a.IntegrationSpecificEntitlementID + "\x00" + a.IntegrationSpecificResourceID
}

func TestListingsDrain(t *testing.T) {
	type lister struct {
		capability string
		total      func(n int64) int
		drain      func(t *testing.T, capability string, n int64, size int) drainStats
	}
	listers := []lister{
		{"list_accounts", func(n int64) int { return int(n) },
			func(t *testing.T, c string, n int64, s int) drainStats { return drain(t, c, n, s, accountKey) }},
		{"list_resources", func(n int64) int { return int(1 + teams(n)) },
			func(t *testing.T, c string, n int64, s int) drainStats { return drain(t, c, n, s, resourceKey) }},
		{"list_entitlements", func(n int64) int { return int(3 + 2*teams(n)) },
			func(t *testing.T, c string, n int64, s int) drainStats { return drain(t, c, n, s, entitlementKey) }},
		{"find_entitlement_associations", func(n int64) int { return int(2 * n) },
			func(t *testing.T, c string, n int64, s int) drainStats { return drain(t, c, n, s, associationKey) }},
	}
	for _, l := range listers {
		for _, n := range []int64{0, 1, 25, 26, 100, 1234} {
			for _, size := range []int{1, 7, 100, 0} {
				name := fmt.Sprintf("%s/tenant=%d/size=%d", l.capability, n, size)
				if size == 0 {
					name = fmt.Sprintf("%s/tenant=%d/size=default", l.capability, n)
				}
				t.Run(name, func(t *testing.T) {
					is := is.New(t)
					st := l.drain(t, l.capability, n, size)
					is.Equal(len(st.keys), l.total(n)) // total count the tenant implies
					seen := make(map[string]bool, len(st.keys))
					for _, k := range st.keys {
						if seen[k] {
							t.Fatalf("duplicate item %q", k)
						}
						seen[k] = true
					}
					pageSize := size
					if pageSize == 0 {
						pageSize = mock.DefaultPageSize
					}
					wantPages := max(1, (l.total(n)+pageSize-1)/pageSize)
					is.Equal(len(st.pages), wantPages)
				})
			}
		}
	}
}

func TestEmptyTenantListsAreEmptyArrays(t *testing.T) {
	for _, capability := range []string{"list_accounts", "find_entitlement_associations"} {
		t.Run(capability, func(t *testing.T) {
			is := is.New(t)
			out := dispatchRaw(t, capability, req(0, nil, nil))
			is.Equal(string(out), `{"response":[],"raw_data":null,"page":null,"execution_summary":null}`)
		})
	}
	// The tenant resource and its roles exist even without accounts.
	is := is.New(t)
	resources, page := ok[[]toolkit.FoundResourceData](t, "list_resources", req(0, nil, nil))
	is.Equal(page, nil)
	is.Equal(len(resources), 2)
	ents, page := ok[[]toolkit.FoundEntitlementData](t, "list_entitlements", req(0, nil, nil))
	is.Equal(page, nil)
	is.Equal(len(ents), 5)
}

func TestDeterministic(t *testing.T) {
	for _, tc := range []struct {
		capability string
		payload    any
	}{
		{"list_accounts", map[string]any{"custom_attributes": []string{"department", "manager"}}},
		{"list_resources", nil},
		{"list_entitlements", map[string]any{"custom_attributes": []string{"cost_center"}}},
		{"find_entitlement_associations", nil},
		{"get_account", map[string]any{"account_id": "user-42", "custom_attributes": []string{"department"}}},
		{"get_account_entitlement_associations", map[string]any{"account_id": "user-42"}},
		{"get_last_activity", map[string]any{"account_ids": []string{"user-1", "user-8", "user-99"}}},
		{"list_custom_attributes_schema", nil},
		{"validate_credentials", nil},
	} {
		t.Run(tc.capability, func(t *testing.T) {
			is := is.New(t)
			c := req(1234, tc.payload, &toolkit.Page{Size: 37})
			if !strings.HasPrefix(tc.capability, "list_") && tc.capability != "find_entitlement_associations" {
				c.Page = nil
			}
			first := dispatchRaw(t, tc.capability, c)
			is.True(!bytes.Contains(first, []byte(`"is_error":true`)))
			is.Equal(string(dispatchRaw(t, tc.capability, c)), string(first)) // same request, same bytes
			// A fresh first page of the same listing is the same again.
			var r result
			is.NoErr(json.Unmarshal(first, &r))
			if r.Page != nil {
				second := dispatchRaw(t, tc.capability, req(1234, tc.payload, r.Page))
				is.Equal(string(dispatchRaw(t, tc.capability, req(1234, tc.payload, r.Page))), string(second))
			}
		})
	}
}

func TestSecondPageIsSliceOfBigPage(t *testing.T) {
	for _, capability := range []string{"list_accounts", "list_resources", "list_entitlements", "find_entitlement_associations"} {
		for _, size := range []int{1, 7, 100} {
			t.Run(fmt.Sprintf("%s/size=%d", capability, size), func(t *testing.T) {
				is := is.New(t)
				const n = 100_000 // 4001 resources, 8003 entitlements: two pages of 100 and more
				big, _ := ok[[]json.RawMessage](t, capability, req(n, nil, &toolkit.Page{Size: 10_000}))
				is.True(len(big) > 2*size)
				first, next := ok[[]json.RawMessage](t, capability, req(n, nil, &toolkit.Page{Size: size}))
				is.True(next != nil)
				is.Equal(next.Size, size)
				second, _ := ok[[]json.RawMessage](t, capability, req(n, nil, next))
				is.Equal(len(first), size)
				is.Equal(len(second), size)
				for k := range size {
					is.Equal(string(first[k]), string(big[k]))
					is.Equal(string(second[k]), string(big[size+k]))
				}
			})
		}
	}
}

// A token sent back without the size it was issued with gets the default size.
func TestTokenWithoutSize(t *testing.T) {
	is := is.New(t)
	_, next := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(1000, nil, &toolkit.Page{Size: 7}))
	is.True(next != nil)
	accounts, next := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(1000, nil, &toolkit.Page{Token: next.Token}))
	is.Equal(len(accounts), mock.DefaultPageSize)
	is.Equal(accounts[0].IntegrationSpecificID, "user-7")
	is.Equal(next.Size, mock.DefaultPageSize)
}

// A well-formed token past the end of a (smaller) tenant reads as the end of the listing.
func TestTokenPastTheEnd(t *testing.T) {
	is := is.New(t)
	token, err := pagetoken.Encode("mock/list_accounts", offset{O: 5000})
	is.NoErr(err)
	r := dispatch(t, "list_accounts", req(100, nil, &toolkit.Page{Token: token, Size: 10}))
	is.True(!r.IsError)
	is.Equal(string(r.Response), "[]")
	is.Equal(r.Page, nil)
}

func TestTamperedTokens(t *testing.T) {
	is := is.New(t)
	const n = 100
	_, next := ok[[]json.RawMessage](t, "list_accounts", req(n, nil, &toolkit.Page{Size: 7}))
	is.True(next != nil)
	valid := next.Token
	_, resNext := ok[[]json.RawMessage](t, "list_resources", req(n, nil, &toolkit.Page{Size: 1}))
	is.True(resNext != nil)

	// The valid token works before it is tampered with.
	accounts, _ := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(n, nil, next))
	is.Equal(accounts[0].IntegrationSpecificID, "user-7")

	signed := func(state any) string {
		tok, err := pagetoken.Encode("mock/list_accounts", state)
		is.NoErr(err)
		return tok
	}
	unsigned := func(payload string) string { // version byte, JSON, a zero tag
		return base64.RawURLEncoding.EncodeToString(append(append([]byte{1}, payload...), make([]byte, 16)...))
	}
	flip := func(tok string, i int) string {
		c := byte('A')
		if tok[i] == 'A' {
			c = 'B'
		}
		return tok[:i] + string(c) + tok[i+1:]
	}

	cases := []struct{ name, token string }{
		{"garbage", "garbage"},
		{"not base64", "!!!***###"},
		{"flipped first char", flip(valid, 0)},
		{"flipped middle char", flip(valid, len(valid)/2)},
		{"truncated by one", valid[:len(valid)-1]},
		{"truncated to half", valid[:len(valid)/2]},
		{"extended", valid + "AAAA"},
		{"from list_resources", resNext.Token},
		{"signed for another app", func() string {
			tok, err := pagetoken.Encode("other/list_accounts", offset{O: 7})
			is.NoErr(err)
			return tok
		}()},
		{"forged empty JSON unsigned", unsigned("{}")},
		{"forged offset unsigned", unsigned(`{"o":7}`)},
		{"signed empty JSON", signed(struct{}{})},
		{"signed null", signed(nil)},
		{"signed zero offset", signed(offset{O: 0})},
		{"signed negative offset", signed(offset{O: -7})},
		{"signed string offset", signed(map[string]string{"o": "7"})},
		{"signed unknown field", signed(map[string]any{"o": 7, "x": 1})},
		{"signed array", signed([]int{7})},
		{"10 KB", strings.Repeat("A", 10<<10)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(errorCode(t, "list_accounts", req(n, nil, &toolkit.Page{Token: tc.token, Size: 7})), "invalid_page_token")
		})
	}

	// Every single-character edit of the token, but for the last character
	// (whose low bits may be unused padding), is detected.
	t.Run("every position flipped", func(t *testing.T) {
		is := is.New(t)
		for i := range len(valid) - 1 {
			code := errorCode(t, "list_accounts", req(n, nil, &toolkit.Page{Token: flip(valid, i), Size: 7}))
			if code != "invalid_page_token" {
				t.Fatalf("token flipped at %d: error_code %q", i, code)
			}
		}
		is.True(len(valid) > 1)
	})

	// A token of each listing is refused by every other listing.
	t.Run("cross capability", func(t *testing.T) {
		lists := []string{"list_accounts", "list_resources", "list_entitlements", "find_entitlement_associations"}
		for _, from := range lists {
			_, p := ok[[]json.RawMessage](t, from, req(n, nil, &toolkit.Page{Size: 1}))
			if p == nil {
				t.Fatalf("%s: no second page", from)
			}
			for _, to := range lists {
				code := errorCode(t, to, req(n, nil, p))
				if want := map[bool]string{true: "", false: "invalid_page_token"}[from == to]; code != want {
					t.Errorf("token of %s used on %s: error_code %q, want %q", from, to, code, want)
				}
			}
		}
	})
}

// page.size is a hint: out of range, it is served as the default (zero
// or negative) or the maximum (above it), never refused.
func TestPageSize(t *testing.T) {
	for _, tc := range []struct {
		size     int
		wantCode string
		wantLen  int
	}{
		{-1, "", mock.DefaultPageSize},
		{-10001, "", mock.DefaultPageSize},
		{10_001, "", mock.MaxPageSize},
		{1 << 40, "", mock.MaxPageSize},
		{0, "", mock.DefaultPageSize},
		{1, "", 1},
		{mock.MaxPageSize, "", mock.MaxPageSize},
	} {
		for _, capability := range []string{"list_accounts", "list_resources", "list_entitlements", "find_entitlement_associations"} {
			t.Run(fmt.Sprintf("%s/%d", capability, tc.size), func(t *testing.T) {
				is := is.New(t)
				c := req(1_000_000, nil, &toolkit.Page{Size: tc.size})
				is.Equal(errorCode(t, capability, c), tc.wantCode)
				if tc.wantCode == "" && capability == "list_accounts" {
					accounts, _ := ok[[]toolkit.FoundAccountData](t, capability, c)
					is.Equal(len(accounts), tc.wantLen)
				}
			})
		}
	}
}

// Concurrent calls share nothing mutable: every call gives the bytes a lone call does.
func TestConcurrentDispatch(t *testing.T) {
	c := req(1234, map[string]any{"custom_attributes": []string{"department", "manager"}}, &toolkit.Page{Size: 50})
	want := string(dispatchRaw(t, "list_accounts", c))
	t.Run("group", func(t *testing.T) {
		for g := range 8 {
			t.Run(fmt.Sprint(g), func(t *testing.T) {
				t.Parallel()
				for range 20 {
					if got := string(dispatchRaw(t, "list_accounts", c)); got != want {
						t.Fatalf("concurrent call differs:\n%s\nwant\n%s", got, want)
					}
				}
			})
		}
	})
}
