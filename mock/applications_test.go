package mock_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

func apps(n int64) int64 { return max(3, (n+99)/100) }

// appFacts are what the application listings say about a tenant.
type appFacts struct {
	apps     []toolkit.Application
	access   map[string]string // account → its application
	role     map[string]string // account → its role in that application
	appRoles map[string][]toolkit.ApplicationEntitlementData
}

func applicationFacts(t *testing.T, n int64) appFacts {
	t.Helper()
	f := appFacts{
		apps:     all[toolkit.Application](t, "list_applications", n, nil),
		access:   map[string]string{},
		role:     map[string]string{},
		appRoles: map[string][]toolkit.ApplicationEntitlementData{},
	}
	for _, a := range all[toolkit.ApplicationAccount](t, "list_applications_accounts", n, nil) {
		f.access[a.AccountID] = a.ApplicationInstanceID
	}
	for _, a := range all[toolkit.ApplicationEntitlementAssociation](t, "list_applications_entitlement_associations", n, nil) {
		if f.access[a.AccountID] != a.ApplicationInstanceID {
			t.Fatalf("association %+v: the account has access to %q", a, f.access[a.AccountID])
		}
		f.role[a.AccountID] = a.IntegrationSpecificEntitlementID
	}
	for _, e := range all[toolkit.ApplicationEntitlementData](t, "list_applications_entitlements", n, nil) {
		f.appRoles[e.ApplicationInstanceID] = append(f.appRoles[e.ApplicationInstanceID], e)
	}
	return f
}

func TestApplicationsIntegrity(t *testing.T) {
	for _, n := range []int64{0, 1, 100, 250, 1234} {
		t.Run(fmt.Sprint("tenant=", n), func(t *testing.T) {
			is := is.New(t)
			f := applicationFacts(t, n)
			is.Equal(int64(len(f.apps)), apps(n))
			appIDs := map[string]bool{}
			for _, a := range f.apps {
				is.True(!appIDs[a.ID])
				appIDs[a.ID] = true
				is.True(len(a.AssignmentModes) > 0)
				got, _ := ok[toolkit.Application](t, "get_application", req(n, map[string]any{"application_instance_id": a.ID}, nil))
				is.Equal(got, a) // get agrees with the list
			}
			resources := all[toolkit.ApplicationResourceData](t, "list_applications_resources", n, nil)
			is.Equal(len(resources), len(f.apps))
			for _, r := range resources {
				is.True(appIDs[r.ApplicationInstanceID])
				is.Equal(r.IntegrationSpecificID, "")
				is.Equal(r.ResourceType, "tenant")
			}
			for app, roles := range f.appRoles {
				is.True(appIDs[app])
				is.Equal(len(roles), 3)
				for _, e := range roles {
					is.Equal(e.EntitlementType, "role")
					is.Equal(e.IntegrationSpecificResourceID, "")
				}
			}
			is.Equal(int64(len(f.access)), n) // every account has access to one application
			is.Equal(int64(len(f.role)), n)   // and holds one role in it
			for acc, app := range f.access {
				is.True(appIDs[app])
				got, _ := ok[toolkit.ApplicationAccount](t, "get_application_account",
					req(n, map[string]any{"application_instance_id": app, "account_id": acc}, nil))
				is.Equal(got.ApplicationInstanceID, app)
				is.Equal(got.AccountID, acc)
			}
		})
	}
}

func TestApplicationsNotFound(t *testing.T) {
	const n = 100
	for _, id := range []string{"app-3", "app-01", "app--1", "", "user-1", "app-x"} {
		mustFail(t, "get_application", n, map[string]any{"application_instance_id": id}, "not_found")
	}
	for _, tc := range []struct{ app, account, mention string }{
		{"app-3", "user-1", "Application 'app-3'"},
		{"app-1", "user-100", "Account 'user-100'"},
		{"app-2", "user-1", "no access"}, // user-1 is in app-1
	} {
		msg, _ := mustFail(t, "get_application_account", n, map[string]any{"application_instance_id": tc.app, "account_id": tc.account}, "not_found")
		is.New(t).True(strings.Contains(msg, tc.mention))
	}
}

// Application writes follow the application listings.
func TestApplicationWritesFollowTheTenant(t *testing.T) {
	const n = 100
	f := applicationFacts(t, n)
	for k := range 20 {
		acc := fmt.Sprint("user-", k)
		t.Run(acc, func(t *testing.T) {
			is := is.New(t)
			for _, app := range f.apps {
				own := f.access[acc] == app.ID
				got, kind := mustWrite[toolkit.AssignedApplication](t, "assign_application", n,
					toolkit.AssignApplication{ApplicationInstanceID: app.ID, AccountID: acc})
				is.Equal(got, toolkit.AssignedApplication{Assigned: true, Provisioned: !own})
				is.Equal(kind, map[bool]toolkit.EffectKind{true: toolkit.EffectNoop, false: toolkit.EffectCreated}[own])

				un, kind := mustWrite[toolkit.UnassignedApplication](t, "unassign_application", n,
					toolkit.UnassignApplication{ApplicationInstanceID: app.ID, AccountID: acc})
				is.Equal(un, toolkit.UnassignedApplication{Unassigned: true, Deprovisioned: own, Status: toolkit.AccountStatusDeprovisioned})
				is.Equal(kind, map[bool]toolkit.EffectKind{true: toolkit.EffectDeleted, false: toolkit.EffectNoop}[own])

				for _, e := range f.appRoles[app.ID] {
					held := own && f.role[acc] == e.IntegrationSpecificID
					ref := toolkit.EntitlementRef{AccountID: acc, ResourceType: "tenant", ResourceID: "",
						EntitlementType: e.EntitlementType, EntitlementID: e.IntegrationSpecificID}
					assign := toolkit.AssignApplicationEntitlement{ApplicationInstanceID: app.ID, EntitlementGrant: ref.Grant()}
					if own {
						got, kind := mustWrite[toolkit.AssignedApplicationEntitlement](t, "assign_application_entitlement", n, assign)
						is.True(got.Assigned)
						is.Equal(kind, map[bool]toolkit.EffectKind{true: toolkit.EffectNoop, false: toolkit.EffectCreated}[held])
					} else {
						msg, _ := mustFail(t, "assign_application_entitlement", n, assign, "not_found")
						is.True(strings.Contains(msg, "no access"))
					}
					unassign := toolkit.UnassignApplicationEntitlement{ApplicationInstanceID: app.ID, EntitlementRevocation: ref.Revocation()}
					got, kind := mustWrite[toolkit.UnassignedApplicationEntitlement](t, "unassign_application_entitlement", n, unassign)
					is.True(got.Unassigned)
					is.Equal(kind, map[bool]toolkit.EffectKind{true: toolkit.EffectDeleted, false: toolkit.EffectNoop}[held])
				}
			}
		})
	}
}

func TestApplicationWritesNotFound(t *testing.T) {
	const n = 100
	good := toolkit.AssignApplicationEntitlement{ApplicationInstanceID: "app-1", EntitlementGrant: toolkit.EntitlementGrant{
		AccountIntegrationSpecificID: "user-1", ResourceIntegrationSpecificID: "", ResourceType: "tenant", EntitlementType: "role",
		EntitlementIntegrationSpecificID: "viewer"}}
	for _, tc := range []struct {
		name    string
		edit    func(*toolkit.AssignApplicationEntitlement)
		mention string
	}{
		{"unknown application", func(p *toolkit.AssignApplicationEntitlement) { p.ApplicationInstanceID = "app-9" }, "Application 'app-9'"},
		{"unknown account", func(p *toolkit.AssignApplicationEntitlement) { p.AccountIntegrationSpecificID = "user-100" }, "Account 'user-100'"},
		{"unknown resource", func(p *toolkit.AssignApplicationEntitlement) { p.ResourceIntegrationSpecificID = "team-0" }, "Resource 'team-0'"},
		{"resource of another type", func(p *toolkit.AssignApplicationEntitlement) { p.ResourceType = "team" }, "of type 'team'"},
		{"unknown role", func(p *toolkit.AssignApplicationEntitlement) { p.EntitlementIntegrationSpecificID = "admin" }, "Entitlement 'admin'"},
		{"role of another type", func(p *toolkit.AssignApplicationEntitlement) { p.EntitlementType = "team_member" }, "of type 'team_member'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			p := good
			tc.edit(&p)
			msg, _ := mustFail(t, "assign_application_entitlement", n, p, "not_found")
			is.True(strings.Contains(msg, tc.mention))
			msg, _ = mustFail(t, "unassign_application_entitlement", n, toolkit.UnassignApplicationEntitlement{
				ApplicationInstanceID: p.ApplicationInstanceID, EntitlementRevocation: p.Ref().Revocation()}, "not_found")
			is.True(strings.Contains(msg, tc.mention))
			if strings.HasPrefix(tc.name, "unknown a") {
				msg, _ = mustFail(t, "assign_application", n, toolkit.AssignApplication{ApplicationInstanceID: p.ApplicationInstanceID, AccountID: p.AccountIntegrationSpecificID}, "not_found")
				is.True(strings.Contains(msg, tc.mention))
				msg, _ = mustFail(t, "unassign_application", n, toolkit.UnassignApplication{ApplicationInstanceID: p.ApplicationInstanceID, AccountID: p.AccountIntegrationSpecificID}, "not_found")
				is.True(strings.Contains(msg, tc.mention))
			}
		})
	}
}

func TestListApplicationsActivityRecords(t *testing.T) {
	const n = 100
	is := is.New(t)
	f := applicationFacts(t, n)
	asked := []string{"user-0", "user-8", "user-5", "nope"}
	payload := map[string]any{"since_date": "2025-12-01T00:00:00Z", "actors": actors(asked...)}
	got := drainList[toolkit.ApplicationActivityRecord](t, "list_applications_activity_records", n, payload, 4)
	tenant := drainList[toolkit.ActivityRecord](t, "list_activity_records", n, payload, 0)
	is.True(len(got) > 0)
	seen := map[string]bool{}
	for _, r := range got {
		is.Equal(r.ApplicationInstanceID, f.access[r.Actor.AccountID]) // in the actor's application
		is.True(r.Actor.AccountID != "user-8")                         // pending: never signed in
		is.True(!seen[r.ID])
		seen[r.ID] = true
		is.True(r.Timestamp >= "2025-12-01T00:00:00Z")
	}
	// An application sign-in 12 hours before each tenant sign-in (when still after since).
	is.True(len(got) >= len(tenant)-2 && len(got) <= len(tenant))
	mustFail(t, "list_applications_activity_records", n, map[string]any{"since_date": "soon", "actors": actors("user-0")}, "bad_request")
}

// Application listings of a big tenant are paged like the others.
func TestApplicationsBigTenant(t *testing.T) {
	is := is.New(t)
	const n = 1_000_000_000
	list, next := ok[[]toolkit.Application](t, "list_applications", req(n, nil, &toolkit.Page{Size: 10}))
	is.Equal(len(list), 10)
	is.True(next != nil)
	got, _ := ok[toolkit.Application](t, "get_application", req(n, map[string]any{"application_instance_id": "app-9999999"}, nil))
	is.Equal(got.ID, "app-9999999")
	mustFail(t, "get_application", n, map[string]any{"application_instance_id": "app-10000000"}, "not_found")
	acc, _ := ok[toolkit.ApplicationAccount](t, "get_application_account",
		req(n, map[string]any{"application_instance_id": "app-9999999", "account_id": "user-999999999"}, nil))
	is.Equal(acc.AccountID, "user-999999999")
}
