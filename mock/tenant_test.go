package mock_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

func TestReferentialIntegrity(t *testing.T) {
	info, err := mock.Integration().Info()
	if err != nil {
		t.Fatal(err)
	}
	entTypes := map[string]toolkit.EntitlementType{}
	for _, et := range info.EntitlementTypes {
		entTypes[et.TypeID] = et
	}
	resTypes := map[string]bool{}
	for _, rt := range info.ResourceTypes {
		resTypes[rt.TypeID] = true
	}

	for _, n := range []int64{0, 1, 25, 26, 100, 1234} {
		t.Run(fmt.Sprint("tenant=", n), func(t *testing.T) {
			is := is.New(t)
			accounts := all[toolkit.FoundAccountData](t, "list_accounts", n, nil)
			resources := all[toolkit.FoundResourceData](t, "list_resources", n, nil)
			ents := all[toolkit.FoundEntitlementData](t, "list_entitlements", n, nil)
			assocs := all[toolkit.FoundEntitlementAssociation](t, "find_entitlement_associations", n, nil)

			accountIDs := map[string]bool{}
			for _, a := range accounts {
				accountIDs[a.IntegrationSpecificID] = true
			}
			resourceType := map[string]string{}
			for _, r := range resources {
				is.True(resTypes[r.ResourceType]) // resource type is declared
				resourceType[r.IntegrationSpecificID] = r.ResourceType
			}
			is.Equal(resourceType[""], "tenant") // the tenant-wide resource

			entitlements := map[[2]string]bool{}
			for _, e := range ents {
				et, ok := entTypes[e.EntitlementType]
				if !ok {
					t.Fatalf("entitlement %+v: undeclared entitlement type %q", e, e.EntitlementType)
				}
				rt, ok := resourceType[e.IntegrationSpecificResourceID]
				if !ok {
					t.Fatalf("entitlement %+v: unknown resource %q", e, e.IntegrationSpecificResourceID)
				}
				want := et.ResourceTypeID
				if want == "" {
					want = "tenant"
				}
				if rt != want {
					t.Fatalf("entitlement %+v of type %q is on a %q resource, want %q", e, et.TypeID, rt, want)
				}
				entitlements[[2]string{e.IntegrationSpecificID, e.IntegrationSpecificResourceID}] = true
			}

			perAccount := map[string]int{}
			for _, a := range assocs {
				if !accountIDs[a.AccountID] {
					t.Fatalf("association %+v: unknown account", a)
				}
				if !entitlements[[2]string{a.IntegrationSpecificEntitlementID, a.IntegrationSpecificResourceID}] {
					t.Fatalf("association %+v: unknown entitlement", a)
				}
				perAccount[a.AccountID]++
			}
			// Every account holds one tenant role and one team entitlement.
			for id := range accountIDs {
				is.Equal(perAccount[id], 2)
			}
		})
	}
}

func TestAccountStatuses(t *testing.T) {
	is := is.New(t)
	valid := map[toolkit.AccountStatus]bool{}
	for _, v := range toolkit.AccountStatus("").Enum() {
		valid[toolkit.AccountStatus(fmt.Sprint(v))] = true
	}
	is.Equal(len(valid), 6)
	seen := map[toolkit.AccountStatus]bool{}
	for _, a := range all[toolkit.FoundAccountData](t, "list_accounts", 100, nil) {
		is.True(a.UserStatus != nil)
		if !valid[*a.UserStatus] {
			t.Fatalf("account %s: status %q", a.IntegrationSpecificID, *a.UserStatus)
		}
		seen[*a.UserStatus] = true
		is.True(a.AccountType != nil)
		is.True(*a.AccountType == toolkit.AccountTypeUser || *a.AccountType == toolkit.AccountTypeService)
		is.True(a.Email != nil && a.Username != nil && a.GivenName != nil && a.FamilyName != nil)
		is.Equal(a.CustomAttributes, nil) // none asked for
	}
	is.Equal(len(seen), 6) // every status appears in a tenant of 100
}

func TestGetAccountMatchesList(t *testing.T) {
	const n = 1234
	for _, attrs := range [][]string{nil, {"department", "manager"}} {
		payload := map[string]any{"custom_attributes": attrs}
		list := all[json.RawMessage](t, "list_accounts", n, payload)
		t.Run(fmt.Sprint(attrs), func(t *testing.T) {
			is := is.New(t)
			is.Equal(len(list), n)
			for _, i := range []int{0, 1, 19, 99, 100, 617, n - 1} {
				var a toolkit.FoundAccountData
				is.NoErr(json.Unmarshal(list[i], &a))
				is.Equal(a.IntegrationSpecificID, fmt.Sprint("user-", i))
				got := dispatch(t, "get_account", req(n, map[string]any{"account_id": a.IntegrationSpecificID, "custom_attributes": attrs}, nil))
				is.True(!got.IsError)
				is.Equal(string(got.Response), string(list[i])) // same object, byte for byte
				is.Equal(got.Page, nil)
			}
		})
	}
}

func TestGetAccountNotFound(t *testing.T) {
	for _, id := range []string{
		"user-", "user-01", "user-00", "user--1", "x", "", "user-100", "user-1000",
		"user-+5", "user-+0", "user- 5", "user-5 ", "USER-5", "user-5x", "user-0x5", "user-1_0",
		"user-9223372036854775807", "user-9223372036854775808", "user-99999999999999999999",
		"team-0", "user-٣",
	} {
		t.Run(id, func(t *testing.T) {
			is := is.New(t)
			is.Equal(errorCode(t, "get_account", req(100, map[string]any{"account_id": id}, nil)), "not_found")
			is.Equal(errorCode(t, "get_account_entitlement_associations", req(100, map[string]any{"account_id": id}, nil)), "not_found")
		})
	}
}

func TestGetAccountCustomAttributes(t *testing.T) {
	is := is.New(t)
	a, _ := ok[toolkit.FoundAccountData](t, "get_account",
		req(100, map[string]any{"account_id": "user-37", "custom_attributes": []string{"department", "manager", "nope"}}, nil))
	is.Equal(len(a.CustomAttributes), 2)
	is.True(a.CustomAttributes["department"] != "")
	is.Equal(a.CustomAttributes["manager"], "user-30")
	_, has := a.CustomAttributes["nope"]
	is.True(!has)

	// Every manager is an account of the tenant.
	accounts := all[toolkit.FoundAccountData](t, "list_accounts", 100, map[string]any{"custom_attributes": []string{"manager", "nope"}})
	ids := map[string]bool{}
	for _, a := range accounts {
		ids[a.IntegrationSpecificID] = true
	}
	for _, a := range accounts {
		is.Equal(len(a.CustomAttributes), 1)
		is.True(ids[a.CustomAttributes["manager"]])
	}

	// Only unknown names: an empty map, not the unknown name.
	a, _ = ok[toolkit.FoundAccountData](t, "get_account",
		req(100, map[string]any{"account_id": "user-37", "custom_attributes": []string{"nope", "cost_center"}}, nil))
	is.Equal(len(a.CustomAttributes), 0)
}

func TestGetAccountEntitlementAssociations(t *testing.T) {
	for _, n := range []int64{1, 26, 100, 1234} {
		t.Run(fmt.Sprint("tenant=", n), func(t *testing.T) {
			is := is.New(t)
			byAccount := map[string][]string{}
			for _, a := range all[toolkit.FoundEntitlementAssociation](t, "find_entitlement_associations", n, nil) {
				byAccount[a.AccountID] = append(byAccount[a.AccountID], associationKey(a))
			}
			is.Equal(int64(len(byAccount)), n)
			for id, want := range byAccount {
				got, page := ok[[]toolkit.FoundEntitlementAssociation](t, "get_account_entitlement_associations",
					req(n, map[string]any{"account_id": id}, nil))
				is.Equal(page, nil)
				keys := make([]string, len(got))
				for k, a := range got {
					keys[k] = associationKey(a)
				}
				slices.Sort(keys)
				slices.Sort(want)
				if !slices.Equal(keys, want) {
					t.Fatalf("%s: got %q, want %q", id, keys, want)
				}
			}
		})
	}
}

func TestGetLastActivity(t *testing.T) {
	is := is.New(t)
	const n = 100
	accounts := all[toolkit.FoundAccountData](t, "list_accounts", n, nil)
	var ids, want []string
	for _, a := range accounts {
		ids = append(ids, a.IntegrationSpecificID)
		if *a.UserStatus != toolkit.AccountStatusPending {
			want = append(want, a.IntegrationSpecificID)
		}
	}
	is.True(len(want) < len(ids)) // some accounts are pending
	unknown := []string{"nope", "user-100", "user-01", "user-+5", "user--1", ""}
	asked := append(append([]string{}, unknown[:3]...), ids...)
	asked = append(asked, unknown[3:]...)

	got, page := ok[[]toolkit.LastActivityData](t, "get_last_activity", req(n, map[string]any{"account_ids": asked}, nil))
	is.Equal(page, nil)
	var gotIDs []string
	for _, a := range got {
		gotIDs = append(gotIDs, a.AccountID)
		is.Equal(a.EventType, toolkit.ActivityLastLogin)
		at, err := time.Parse(time.RFC3339, a.HappenedAt)
		is.NoErr(err)
		is.True(at.Location() == time.UTC || at.Format(time.RFC3339) == a.HappenedAt)
		is.True(at.Before(time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)))
		is.True(at.After(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)))
	}
	if !slices.Equal(gotIDs, want) {
		t.Fatalf("got activity for %q, want %q", gotIDs, want)
	}

	// No ids, or only unknown ones: an empty list.
	for _, asked := range [][]string{{}, unknown} {
		r := dispatch(t, "get_last_activity", req(n, map[string]any{"account_ids": asked}, nil))
		is.True(!r.IsError)
		is.Equal(string(r.Response), "[]")
	}
}

func TestValidateCredentials(t *testing.T) {
	is := is.New(t)
	got, page := ok[toolkit.ValidatedCredentials](t, "validate_credentials", req(100, nil, nil))
	is.Equal(page, nil)
	is.Equal(got, toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "mock-connector-tenant-id"})
	is.Equal(got.UniqueTenantID, mock.TenantID)

	for _, tc := range []struct {
		name     string
		auth     string
		settings any
		want     string
	}{
		{"empty password", `{"basic":{"username":"foo","password":""}}`, settings(100), "unauthorized"},
		{"empty username", `{"basic":{"username":"","password":"bar"}}`, settings(100), "unauthorized"},
		{"negative tenant size", string(validAuth), settings(-1), "bad_request"},
		{"tenant size too big", string(validAuth), settings(mock.MaxTenantSize + 1), "bad_request"},
		{"largest tenant size", string(validAuth), settings(mock.MaxTenantSize), ""},
		{"empty tenant", string(validAuth), settings(0), ""},
		{"no host", string(validAuth), map[string]any{"tenant_size": 5}, "bad_request"},
		{"no settings", string(validAuth), nil, "bad_request"},
		{"unknown setting ignored", string(validAuth), map[string]any{"host": "h", "nope": 1}, ""},
		{"no auth", `null`, settings(100), "bad_request"},
		{"token auth", `{"token":{"token":"t"}}`, settings(100), "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			c := call{Auth: json.RawMessage(tc.auth), Request: struct{}{}, Settings: tc.settings}
			is.Equal(errorCode(t, "validate_credentials", c), tc.want)
		})
	}
}

// A bad tenant_size is refused by every capability, not just validate_credentials.
func TestBadTenantSizeEverywhere(t *testing.T) {
	for _, capability := range []string{"list_accounts", "get_account", "list_resources", "list_entitlements",
		"find_entitlement_associations", "get_account_entitlement_associations", "get_last_activity"} {
		t.Run(capability, func(t *testing.T) {
			is := is.New(t)
			payload := map[string]any{"account_id": "user-0", "account_ids": []string{"user-0"}}
			c := req(-1, payload, nil)
			// Send only the fields the capability knows.
			switch capability {
			case "get_account", "get_account_entitlement_associations":
				c.Request = map[string]any{"account_id": "user-0"}
			case "get_last_activity":
				c.Request = map[string]any{"account_ids": []string{"user-0"}}
			default:
				c.Request = struct{}{}
			}
			is.Equal(errorCode(t, capability, c), "bad_request")
		})
	}
}

func TestCustomAttributes(t *testing.T) {
	is := is.New(t)
	schema, page := ok[[]toolkit.CustomAttributeSchema](t, "list_custom_attributes_schema", req(100, nil, nil))
	is.Equal(page, nil)
	is.Equal(len(schema), 3)
	byName := map[string]toolkit.CustomAttributeSchema{}
	for _, s := range schema {
		byName[s.Name] = s
	}
	is.Equal(byName["department"].CustomizedType, toolkit.CustomizedAccount)
	is.Equal(byName["manager"].CustomizedType, toolkit.CustomizedAccount)
	is.Equal(byName["cost_center"].CustomizedType, toolkit.CustomizedEntitlement)

	ents := all[toolkit.FoundEntitlementData](t, "list_entitlements", 100, map[string]any{"custom_attributes": []string{"cost_center"}})
	is.Equal(len(ents), 3+2*4)
	for _, e := range ents {
		is.Equal(len(e.CustomAttributes), 1)
		is.True(e.CustomAttributes["cost_center"] != "")
	}
	for _, e := range all[toolkit.FoundEntitlementData](t, "list_entitlements", 100, nil) {
		is.Equal(e.CustomAttributes, nil)
	}
	// Account attributes do not leak onto entitlements, nor the other way round.
	for _, e := range all[toolkit.FoundEntitlementData](t, "list_entitlements", 100, map[string]any{"custom_attributes": []string{"department"}}) {
		is.Equal(len(e.CustomAttributes), 0)
	}
}

func TestSettingsDefaults(t *testing.T) {
	is := is.New(t)
	c := call{Auth: validAuth, Request: struct{}{}, Settings: map[string]any{"host": "h"}}
	var accounts []toolkit.FoundAccountData
	page := &toolkit.Page{Size: 7}
	for {
		c.Page = page
		items, next := ok[[]toolkit.FoundAccountData](t, "list_accounts", c)
		accounts = append(accounts, items...)
		if next == nil {
			break
		}
		page = next
	}
	is.Equal(len(accounts), 100)
	is.Equal(accounts[99].IntegrationSpecificID, "user-99")

	// get_account agrees: user-99 exists, user-100 does not.
	c.Page = nil
	c.Request = map[string]any{"account_id": "user-99"}
	is.Equal(errorCode(t, "get_account", c), "")
	c.Request = map[string]any{"account_id": "user-100"}
	is.Equal(errorCode(t, "get_account", c), "not_found")
}
