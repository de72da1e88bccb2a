package mock_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// epoch is the tenant's fixed "now".
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// updated reads list_updated_accounts to its end with pages of size (0: the
// default), checking that only the last page carries a cursor, and returns
// the accounts' ids and that cursor.
func updated(t *testing.T, n int64, payload map[string]any, size int) ([]string, string) {
	t.Helper()
	var page *toolkit.Page
	if size > 0 {
		page = &toolkit.Page{Size: size}
	}
	var ids []string
	for range 100_000 {
		got, next := ok[toolkit.UpdatedAccounts](t, "list_updated_accounts", req(n, payload, page))
		is.New(t).True(got.Accounts != nil) // [] when nothing changed, never null
		for _, a := range got.Accounts {
			ids = append(ids, a.IntegrationSpecificID)
		}
		if next == nil {
			if got.Cursor == nil {
				t.Fatal("the last page has no cursor")
			}
			return ids, *got.Cursor
		}
		if got.Cursor != nil {
			t.Fatalf("page %d carries a cursor before the last page", len(ids))
		}
		page = next
	}
	t.Fatal("list_updated_accounts does not end")
	return nil, ""
}

func TestListUpdatedAccounts(t *testing.T) {
	const n = 100
	is := is.New(t)

	// A first sync without since: every account, in id order.
	for _, size := range []int{0, 1, 7, 100} {
		ids, cursor := updated(t, n, map[string]any{}, size)
		is.Equal(len(ids), n)
		for i, id := range ids {
			is.Equal(id, fmt.Sprint("user-", i))
		}
		// The cursor: nothing changed since.
		again, c2 := updated(t, n, map[string]any{"cursor": cursor}, size)
		is.Equal(len(again), 0)
		is.Equal(c2, cursor)
	}

	// since selects a suffix of the tenant, shrinking as since moves on.
	prev := n + 1
	for _, since := range []string{"2020-01-01T00:00:00Z", "2025-12-02T00:00:00Z", "2025-12-02T00:00:01Z", "2025-12-10T00:00:00Z",
		"2025-12-17T00:00:00Z", "2025-12-31T12:00:00Z", "2025-12-31T23:59:59.5Z", "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z"} {
		t.Run(since, func(t *testing.T) {
			is := is.New(t)
			ids, cursor := updated(t, n, map[string]any{"since": since}, 7)
			is.True(len(ids) <= prev)
			prev = len(ids)
			first := n - len(ids)
			for k, id := range ids {
				is.Equal(id, fmt.Sprint("user-", first+k)) // contiguous to the last account
			}
			is.True(cursor != "")
		})
	}
	all, _ := updated(t, n, map[string]any{"since": "2025-12-01T23:59:59Z"}, 0)
	is.Equal(len(all), n) // the change log starts 30 days before epoch
	half, _ := updated(t, n, map[string]any{"since": "2025-12-17T00:00:00Z"}, 0)
	is.True(len(half) >= 49 && len(half) <= 51) // about half of the 30 days
	sameInstant, _ := updated(t, n, map[string]any{"since": "2025-12-17T01:00:00+01:00"}, 0)
	is.Equal(sameInstant, half)
	none, _ := updated(t, n, map[string]any{"since": "2026-01-01T00:00:00Z"}, 0)
	is.Equal(len(none), 0)

	// An empty cursor counts as none; a cursor wins over since.
	everyone, _ := updated(t, n, map[string]any{"cursor": ""}, 0)
	is.Equal(len(everyone), n)
	_, cursor := updated(t, n, map[string]any{}, 0)
	both, _ := updated(t, n, map[string]any{"cursor": cursor, "since": "2020-01-01T00:00:00Z"}, 0)
	is.Equal(len(both), 0)

	// Custom attributes are filled in as list_accounts does.
	got, _ := ok[toolkit.UpdatedAccounts](t, "list_updated_accounts", req(n, map[string]any{"custom_attributes": []string{"department"}}, &toolkit.Page{Size: 3}))
	list, _ := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(n, map[string]any{"custom_attributes": []string{"department"}}, &toolkit.Page{Size: 3}))
	is.Equal(got.Accounts, list)

	// An empty tenant: nothing, and a cursor.
	ids, cursor := updated(t, 0, map[string]any{}, 0)
	is.Equal(len(ids), 0)
	is.True(cursor != "")
}

func TestListUpdatedAccountsBadCursorAndTokens(t *testing.T) {
	const n = 100
	is := is.New(t)
	_, cursor := updated(t, n, map[string]any{}, 0)
	listToken := func() string {
		_, p := ok[[]toolkit.FoundAccountData](t, "list_accounts", req(n, nil, &toolkit.Page{Size: 1}))
		return p.Token
	}()
	forged, err := pagetoken.Encode("mock/list_updated_accounts#cursor", map[string]any{"t": 1, "x": 2})
	is.NoErr(err)
	for _, c := range []string{"garbage", cursor[:len(cursor)-2], flipAt(cursor, 3), listToken, forged} {
		mustFail(t, "list_updated_accounts", n, map[string]any{"cursor": c}, "invalid_page_token")
	}
	mustFail(t, "list_updated_accounts", n, map[string]any{"since": "yesterday"}, "bad_request")
	mustFail(t, "list_updated_accounts", n, map[string]any{"since": "2025-12-17T00:00:00"}, "bad_request") // no zone

	// A page token is good only with the since it was issued for.
	_, next := ok[toolkit.UpdatedAccounts](t, "list_updated_accounts", req(n, map[string]any{"since": "2025-12-10T00:00:00Z"}, &toolkit.Page{Size: 5}))
	is.True(next != nil)
	_, again := ok[toolkit.UpdatedAccounts](t, "list_updated_accounts", req(n, map[string]any{"since": "2025-12-10T00:00:00Z"}, next))
	is.True(again != nil)
	mustFailCall(t, "list_updated_accounts", req(n, map[string]any{"since": "2025-12-20T00:00:00Z"}, next), "invalid_page_token")
	mustFailCall(t, "list_updated_accounts", req(n, map[string]any{"since": "2025-12-10T00:00:00Z"}, &toolkit.Page{Token: flipAt(next.Token, 5)}), "invalid_page_token")
}

// flipAt changes the character at i of a token.
func flipAt(tok string, i int) string {
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

func TestGetDataRecency(t *testing.T) {
	is := is.New(t)
	got, page := ok[toolkit.DataRecency](t, "get_data_recency", req(100, nil, nil))
	is.Equal(page, nil)
	registered := mock.Integration().Capabilities()
	is.True(len(got.Data) > 10)
	for name, at := range got.Data {
		if !slices.Contains(registered, toolkit.CapabilityName(name)) {
			t.Errorf("recency of %q, which the mock does not implement", name)
		}
		if name == "list_custom_attributes_schema" {
			is.Equal(at, nil) // cannot be told
			continue
		}
		if at == nil || at.After(epoch) || at.Before(epoch.Add(-48*time.Hour)) {
			t.Errorf("%s: recency %v, want within the 2 days before %v", name, at, epoch)
		}
	}
	is.Equal(*got.Data["list_accounts"], epoch)
	_, has := got.Data["create_account"]
	is.True(!has) // a write has no data to date
}

func actors(ids ...string) []map[string]any {
	out := make([]map[string]any, len(ids))
	for k, id := range ids {
		out[k] = map[string]any{"account_id": id}
	}
	return out
}

func TestListActivityRecords(t *testing.T) {
	const n = 100
	is := is.New(t)
	last := map[string]time.Time{}
	for _, a := range all[toolkit.FoundAccountData](t, "list_accounts", n, nil) {
		got, _ := ok[[]toolkit.LastActivityData](t, "get_last_activity", req(n, map[string]any{"account_ids": []string{a.IntegrationSpecificID}}, nil))
		if len(got) == 1 {
			at, err := time.Parse(time.RFC3339, got[0].HappenedAt)
			is.NoErr(err)
			last[a.IntegrationSpecificID] = at
		}
	}

	// user-0 last signed in at epoch: 11 daily sign-ins in the 10 days before.
	records, page := ok[[]toolkit.ActivityRecord](t, "list_activity_records",
		req(n, map[string]any{"since_date": "2025-12-22", "actors": actors("user-0")}, nil))
	is.Equal(page, nil)
	is.Equal(len(records), 11)
	is.Equal(records[10].Timestamp, "2026-01-01T00:00:00Z")
	is.Equal(records[0].Timestamp, "2025-12-22T00:00:00Z") // since_date is included

	// Many actors, unknown, pending and repeated ones among them.
	asked := []string{"nope", "user-8", "user-3", "user-0", "user-3", "user-100", "user-42", "user-99"}
	for _, since := range []string{"2020-01-01T00:00:00Z", "2025-12-01T12:00:00Z", "2025-12-31", "2026-02-01T00:00:00Z"} {
		t.Run(since, func(t *testing.T) {
			is := is.New(t)
			payload := map[string]any{"since_date": since, "actors": actors(asked...)}
			got := drainList[toolkit.ActivityRecord](t, "list_activity_records", n, payload, 7)
			sinceT, err := time.Parse(time.RFC3339, since)
			if err != nil {
				sinceT, err = time.Parse(time.DateOnly, since)
				is.NoErr(err)
			}
			var order []string
			byActor := map[string][]time.Time{}
			ids := map[string]bool{}
			for _, r := range got {
				is.Equal(string(r.ActivityType), "ACCOUNT_LOGIN")
				is.True(!ids[r.ID]) // record ids are unique
				ids[r.ID] = true
				at, err := time.Parse(time.RFC3339, r.Timestamp)
				is.NoErr(err)
				is.True(!at.Before(sinceT) && !at.After(epoch))
				is.True(!at.Before(epoch.Add(-90 * 24 * time.Hour)))
				is.Equal(len(r.Targets), 1)
				is.Equal(*r.Targets[0].AccountID, r.Actor.AccountID)
				is.True(r.Metadata["ip_address"] != "")
				a := r.Actor.AccountID
				if len(order) == 0 || order[len(order)-1] != a {
					order = append(order, a)
				}
				byActor[a] = append(byActor[a], at)
			}
			// Actor by actor in the order asked, each once; unknown and pending ones have none.
			var want []string
			for _, id := range []string{"user-3", "user-0", "user-42", "user-99"} {
				if l, has := last[id]; has && !l.Before(sinceT) {
					want = append(want, id)
				}
			}
			is.Equal(order, want)
			for a, times := range byActor {
				is.Equal(times[len(times)-1], last[a]) // the newest is get_last_activity's
				for k := 1; k < len(times); k++ {
					is.Equal(times[k].Sub(times[k-1]), 24*time.Hour) // oldest first, a day apart
				}
			}
		})
	}

	mustFail(t, "list_activity_records", n, map[string]any{"since_date": "last week", "actors": actors("user-0")}, "bad_request")
	mustFail(t, "list_activity_records", n, map[string]any{"since_date": "2025-12-01"}, "bad_request") // actors required
	none, _ := ok[[]toolkit.ActivityRecord](t, "list_activity_records", req(n, map[string]any{"since_date": "2025-12-01", "actors": actors()}, nil))
	is.Equal(len(none), 0)
}

// drainList reads a listing with payload to its end with pages of size,
// checking that every page but the last is full and no token repeats.
func drainList[T any](t *testing.T, capability string, n int64, payload any, size int) []T {
	t.Helper()
	raw := drainRaw(t, capability, n, payload, size)
	out := make([]T, len(raw))
	for k, r := range raw {
		if err := json.Unmarshal(r, &out[k]); err != nil {
			t.Fatalf("%s: item %d: %v", capability, k, err)
		}
	}
	return out
}

func drainRaw(t *testing.T, capability string, n int64, payload any, size int) []json.RawMessage {
	t.Helper()
	want := size
	if want == 0 {
		want = mock.DefaultPageSize
	}
	var page *toolkit.Page
	if size > 0 {
		page = &toolkit.Page{Size: size}
	}
	var out []json.RawMessage
	tokens := map[string]bool{}
	for pages := 0; ; pages++ {
		o := run(t, capability, req(n, payload, page))
		if o.IsError {
			t.Fatalf("%s page %d: %s: %s", capability, pages, o.Error.ErrorCode, o.Error.Message)
		}
		if string(o.Response) == "null" {
			t.Fatalf("%s: a listing is [], never null", capability)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(o.Response, &items); err != nil {
			t.Fatal(err)
		}
		out = append(out, items...)
		if o.Page == nil {
			if len(items) > want {
				t.Fatalf("%s: last page of %d items, larger than %d", capability, len(items), want)
			}
			return out
		}
		if len(items) != want || o.Page.Token == "" || tokens[o.Page.Token] {
			t.Fatalf("%s page %d: %d items, token %q (seen before: %v)", capability, pages, len(items), o.Page.Token, tokens[o.Page.Token])
		}
		tokens[o.Page.Token] = true
		if pages > 100_000 {
			t.Fatalf("%s: no end", capability)
		}
		page = o.Page
	}
}

func TestListExpenses(t *testing.T) {
	const n = 100
	is := is.New(t)
	filter := func(start, end string) map[string]any {
		r := map[string]any{}
		if start != "" {
			r["start_date"] = start
		}
		if end != "" {
			r["end_date"] = end
		}
		return map[string]any{"filters": map[string]any{"transaction_date": r}}
	}
	accounts := map[string]bool{}
	for _, a := range all[toolkit.FoundAccountData](t, "list_accounts", n, nil) {
		accounts[a.IntegrationSpecificID] = true
	}

	year := drainList[toolkit.Expense](t, "list_expenses", n, map[string]any{"filters": map[string]any{}}, 0)
	is.Equal(len(year), 365*5) // five a day in a tenant of 100
	ids := map[string]bool{}
	for k, e := range year {
		is.True(!ids[e.ID])
		ids[e.ID] = true
		d, err := time.Parse(time.DateOnly, e.TransactionDate)
		is.NoErr(err)
		is.Equal(d.Year(), 2025)
		if k > 0 {
			is.True(e.TransactionDate >= year[k-1].TransactionDate) // oldest first
		}
		is.True(accounts[*e.Submitter.ID])
		is.True(e.Seller.Name != nil && e.Description != "")
		is.True(e.TotalAmount.Currency == "USD" || e.TotalAmount.Currency == "EUR")
		is.True(strings.Contains(e.TotalAmount.Amount, "."))
		paid := e.PaymentStatus.NormalizedValue == toolkit.NormalizedExpensePaymentStatusPaid
		is.Equal(paid, e.PaymentDate != nil)
		is.Equal(paid, e.PaidAmount != nil)
		if paid {
			is.Equal(e.ApprovalStatus.NormalizedValue, toolkit.NormalizedExpenseApprovalStatusApproved)
		}
		is.Equal(e.Type == toolkit.ExpenseTypeReimbursement, e.ReportID != nil)
		is.True(strings.HasPrefix(*e.URL, "https://h/expenses/"))
	}

	for _, tc := range []struct {
		name, start, end string
		want             int
		first, last      string
	}{
		{"january", "2025-01-01", "2025-01-31", 31 * 5, "2025-01-01", "2025-01-31"},
		{"from christmas", "2025-12-25", "", 7 * 5, "2025-12-25", "2025-12-31"},
		{"until january 2nd", "", "2025-01-02T00:00:00Z", 2 * 5, "2025-01-01", "2025-01-02"},
		{"times compare by date", "2025-03-01T23:59:59Z", "2025-03-02T00:00:01+00:00", 2 * 5, "2025-03-01", "2025-03-02"},
		{"one day", "2025-06-15", "2025-06-15", 5, "2025-06-15", "2025-06-15"},
		{"reversed", "2025-02-01", "2025-01-01", 0, "", ""},
		{"before the stream", "2024-01-01", "2024-12-31", 0, "", ""},
		{"after the stream", "2026-01-01", "", 0, "", ""},
		{"wide open", "1900-01-01", "2999-12-31", 365 * 5, "2025-01-01", "2025-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got := drainList[toolkit.Expense](t, "list_expenses", n, filter(tc.start, tc.end), 7)
			is.Equal(len(got), tc.want)
			if tc.want > 0 {
				is.Equal(got[0].TransactionDate, tc.first)
				is.Equal(got[len(got)-1].TransactionDate, tc.last)
			}
		})
	}
	mustFail(t, "list_expenses", n, filter("01/02/2025", ""), "bad_request")
	mustFail(t, "list_expenses", n, filter("", "tomorrow"), "bad_request")
	mustFail(t, "list_expenses", n, map[string]any{}, "bad_request") // filters required
	empty, _ := ok[[]toolkit.Expense](t, "list_expenses", req(0, map[string]any{"filters": map[string]any{}}, nil))
	is.Equal(len(empty), 0)

	// A page token is good only with the filter it was issued for.
	_, next := ok[[]toolkit.Expense](t, "list_expenses", req(n, filter("2025-01-01", ""), &toolkit.Page{Size: 5}))
	is.True(next != nil)
	mustFailCall(t, "list_expenses", req(n, filter("2025-01-02", ""), next), "invalid_page_token")
}
