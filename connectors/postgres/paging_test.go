package postgres_test

import (
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
)

// TestPagingExact drains every listing at several page sizes: each gives
// the same items in the same order as one big page, none twice.
func TestPagingExact(t *testing.T) {
	srv := pgtest.Shared(t)
	prefix := uniq("paging")
	f := seed(t, srv, prefix)
	srv.Exec(t, "postgres", fmt.Sprintf(`DO $$ BEGIN FOR i IN 1..40 LOOP
		EXECUTE format('CREATE ROLE %%I LOGIN IN ROLE %%I', '%[1]su' || i, CASE WHEN i %% 2 = 0 THEN '%[1]sreaders' ELSE '%[1]swriters' END);
		END LOOP; END $$`, prefix))
	tg := superTarget(t, map[string]any{"extra_databases": []string{f.db}, "object_kinds": allKinds})
	for _, c := range []struct {
		capName string
		request map[string]any
	}{
		{"list_accounts", map[string]any{}},
		{"list_resources", map[string]any{}},
		{"list_entitlements", map[string]any{}},
		{"find_entitlement_associations", map[string]any{}},
		{"get_account_entitlement_associations", map[string]any{"account_id": id(f.users[1])}},
	} {
		t.Run(c.capName, func(t *testing.T) {
			is := is.New(t)
			whole := drain[map[string]any](t, tg, c.capName, c.request, 10_000)
			is.True(len(whole) > 0)
			seen := map[string]bool{}
			for _, e := range whole {
				k := fmt.Sprint(e)
				is.True(!seen[k]) // no item twice
				seen[k] = true
			}
			for _, size := range []int{1, 2, 3, 7, 50} {
				got := drain[map[string]any](t, tg, c.capName, c.request, size)
				is.Equal(len(got), len(whole))
				for i := range got {
					is.Equal(fmt.Sprint(got[i]), fmt.Sprint(whole[i])) // same items, same order
				}
			}
		})
	}
}

// TestPageTokens refuses tokens that were garbled or minted for another
// listing or other settings.
func TestPageTokens(t *testing.T) {
	is := is.New(t)
	tg := superTarget(t, nil)
	env := tg.ok(t, "list_accounts", map[string]any{}, &toolkit.Page{Size: 1})
	is.True(env.Page != nil)
	for _, c := range []struct {
		name    string
		tg      target
		capName string
		token   string
	}{
		{"garbled", tg, "list_accounts", env.Page.Token + "x"},
		{"other capability", tg, "list_entitlements", env.Page.Token},
		{"other settings", superTarget(t, map[string]any{"include_system_roles": true}), "list_accounts", env.Page.Token},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.tg.call(t, c.capName, map[string]any{}, &toolkit.Page{Size: 1, Token: c.token})
			is.True(got.IsError)
			is.Equal(got.Error.ErrorCode, toolkit.ErrorCode("invalid_page_token"))
		})
	}
}
