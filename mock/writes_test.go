package mock_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

// tenantFacts are what the reads say about a tenant, for checking writes against.
type tenantFacts struct {
	accounts     []toolkit.FoundAccountData
	entitlements []toolkit.FoundEntitlementData
	holds        map[string]map[[2]string]bool // account → {entitlement, resource} it holds
	resourceType map[string]string
}

func facts(t *testing.T, n int64) tenantFacts {
	t.Helper()
	f := tenantFacts{
		accounts:     all[toolkit.FoundAccountData](t, "list_accounts", n, nil),
		entitlements: all[toolkit.FoundEntitlementData](t, "list_entitlements", n, nil),
		holds:        map[string]map[[2]string]bool{},
		resourceType: map[string]string{},
	}
	for _, a := range all[toolkit.FoundEntitlementAssociation](t, "find_entitlement_associations", n, nil) {
		if f.holds[a.AccountID] == nil {
			f.holds[a.AccountID] = map[[2]string]bool{}
		}
		f.holds[a.AccountID][[2]string{a.IntegrationSpecificEntitlementID, a.IntegrationSpecificResourceID}] = true
	}
	for _, r := range all[toolkit.FoundResourceData](t, "list_resources", n, nil) {
		f.resourceType[r.IntegrationSpecificID] = r.ResourceType
	}
	return f
}

func (f tenantFacts) role(id string) string {
	for k := range f.holds[id] {
		if k[1] == "" {
			return k[0]
		}
	}
	return ""
}

// Assigning and unassigning every entitlement to and from accounts agrees
// with find_entitlement_associations: a grant the account holds is a noop
// to assign and deleted by unassign; any other is created by assign and a
// noop to unassign.
func TestAssignUnassignFollowTheTenant(t *testing.T) {
	const n = 100
	f := facts(t, n)
	for _, a := range f.accounts[:30] {
		t.Run(a.IntegrationSpecificID, func(t *testing.T) {
			is := is.New(t)
			held := 0
			for _, e := range f.entitlements {
				has := f.holds[a.IntegrationSpecificID][[2]string{e.IntegrationSpecificID, e.IntegrationSpecificResourceID}]
				if has {
					held++
				}
				rt := f.resourceType[e.IntegrationSpecificResourceID]
				ref := toolkit.EntitlementRef{AccountID: a.IntegrationSpecificID, ResourceType: rt, ResourceID: e.IntegrationSpecificResourceID,
					EntitlementType: e.EntitlementType, EntitlementID: e.IntegrationSpecificID}
				got, kind := mustWrite[toolkit.AssignedEntitlement](t, "assign_entitlement", n, toolkit.AssignEntitlement{EntitlementGrant: ref.Grant()})
				is.True(got.Assigned)
				is.Equal(kind, map[bool]toolkit.EffectKind{true: toolkit.EffectNoop, false: toolkit.EffectCreated}[has])

				un, kind := mustWrite[toolkit.UnassignedEntitlement](t, "unassign_entitlement", n, toolkit.UnassignEntitlement{EntitlementRevocation: ref.Revocation()})
				is.True(un.Unassigned)
				is.Equal(kind, map[bool]toolkit.EffectKind{true: toolkit.EffectDeleted, false: toolkit.EffectNoop}[has])
			}
			is.Equal(held, 2) // a tenant role and a team entitlement
		})
	}
}

// Re-assigning a grant the tenant already has is a noop, every time, with
// the same bytes: the mock is stateless and deterministic.
func TestRepeatedAssignIsNoop(t *testing.T) {
	is := is.New(t)
	const n = 100
	f := facts(t, n)
	for _, as := range all[toolkit.FoundEntitlementAssociation](t, "find_entitlement_associations", n, nil) {
		p := toolkit.AssignEntitlement{EntitlementGrant: toolkit.EntitlementGrant{AccountIntegrationSpecificID: as.AccountID,
			ResourceIntegrationSpecificID: as.IntegrationSpecificResourceID, ResourceType: f.resourceType[as.IntegrationSpecificResourceID],
			EntitlementIntegrationSpecificID: as.IntegrationSpecificEntitlementID}}
		for _, e := range f.entitlements {
			if e.IntegrationSpecificID == as.IntegrationSpecificEntitlementID && e.IntegrationSpecificResourceID == as.IntegrationSpecificResourceID {
				p.EntitlementType = e.EntitlementType
			}
		}
		first := string(dispatchRaw(t, "assign_entitlement", req(n, p, nil)))
		for range 3 {
			_, kind := mustWrite[toolkit.AssignedEntitlement](t, "assign_entitlement", n, p)
			is.Equal(kind, toolkit.EffectNoop)
			is.Equal(string(dispatchRaw(t, "assign_entitlement", req(n, p, nil))), first)
		}
	}
}

func TestAssignUnassignNotFound(t *testing.T) {
	const n = 100
	ok := toolkit.EntitlementRef{AccountID: "user-5", ResourceType: "team", ResourceID: "team-0",
		EntitlementType: "team_member", EntitlementID: "member"}
	for _, tc := range []struct {
		name    string
		edit    func(*toolkit.EntitlementRef)
		mention string // the error message names what is missing
	}{
		{"unknown account", func(p *toolkit.EntitlementRef) { p.AccountID = "user-100" }, "Account 'user-100'"},
		{"non-canonical account", func(p *toolkit.EntitlementRef) { p.AccountID = "user-05" }, "Account 'user-05'"},
		{"unknown resource", func(p *toolkit.EntitlementRef) { p.ResourceID = "team-4" }, "Resource 'team-4'"},
		{"resource of another type", func(p *toolkit.EntitlementRef) { p.ResourceType = "tenant" }, "Resource 'team-0' of type 'tenant'"},
		{"undeclared resource type", func(p *toolkit.EntitlementRef) { p.ResourceType = "folder" }, "of type 'folder'"},
		{"unknown entitlement", func(p *toolkit.EntitlementRef) { p.EntitlementID = "owner" }, "Entitlement 'owner'"},
		{"entitlement of another type", func(p *toolkit.EntitlementRef) { p.EntitlementType = "team_maintainer" }, "Entitlement 'member' of type 'team_maintainer'"},
		{"role id with a team type", func(p *toolkit.EntitlementRef) {
			p.ResourceID, p.ResourceType, p.EntitlementID = "", "tenant", "member"
		}, "it is of type 'role'"},
		{"role on a team", func(p *toolkit.EntitlementRef) {
			p.EntitlementType, p.EntitlementID = "role", "admin"
		}, "Entitlement 'admin'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			p := ok
			tc.edit(&p)
			msg, _ := mustFail(t, "assign_entitlement", n, toolkit.AssignEntitlement{EntitlementGrant: p.Grant()}, "not_found")
			is.True(strings.Contains(msg, tc.mention))
			msg, _ = mustFail(t, "unassign_entitlement", n, toolkit.UnassignEntitlement{EntitlementRevocation: p.Revocation()}, "not_found")
			is.True(strings.Contains(msg, tc.mention))
		})
	}
	// The valid request itself succeeds.
	_, kind := mustWrite[toolkit.AssignedEntitlement](t, "assign_entitlement", n, toolkit.AssignEntitlement{EntitlementGrant: ok.Grant()})
	is.New(t).Equal(kind, toolkit.EffectCreated) // user-5 is in team-1
}

func TestCreateAccount(t *testing.T) {
	const n = 100
	existing, _ := ok[toolkit.FoundAccountData](t, "get_account", req(n, map[string]any{"account_id": "user-5"}, nil))
	role := facts(t, n).role("user-5")
	ents := func(e ...toolkit.CreateAccountEntitlement) []toolkit.CreateAccountEntitlement {
		return append([]toolkit.CreateAccountEntitlement{}, e...)
	}
	roleEnt := toolkit.CreateAccountEntitlement{EntitlementType: "role", IntegrationSpecificID: role}
	teamEnt := toolkit.CreateAccountEntitlement{IntegrationSpecificResourceID: toolkit.Ptr("team-1"), EntitlementType: "team_member", IntegrationSpecificID: "member"}
	otherTeam := toolkit.CreateAccountEntitlement{IntegrationSpecificResourceID: toolkit.Ptr("team-2"), EntitlementType: "team_member", IntegrationSpecificID: "member"}
	s := toolkit.Ptr[string]

	t.Run("created", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			p      toolkit.CreateAccount
			status toolkit.AccountStatus
		}{
			{"email", toolkit.CreateAccount{Email: s("grace@example.org"), Entitlements: ents(roleEnt)}, toolkit.AccountStatusActive},
			{"username only", toolkit.CreateAccount{Username: s("grace"), Entitlements: ents()}, toolkit.AccountStatusActive},
			{"pending", toolkit.CreateAccount{Email: s("grace@example.org"), UserStatus: s("pending"), Entitlements: ents(roleEnt, teamEnt)}, toolkit.AccountStatusPending},
			{"PENDING", toolkit.CreateAccount{Email: s("grace@example.org"), UserStatus: s("PENDING"), Entitlements: ents()}, toolkit.AccountStatusPending},
			{"active", toolkit.CreateAccount{Email: s("grace@example.org"), UserStatus: s("active"), Entitlements: ents()}, toolkit.AccountStatusActive},
			{"username beyond the tenant", toolkit.CreateAccount{Username: s("ada.lovelace.100"), Entitlements: ents()}, toolkit.AccountStatusActive},
			{"tenant-like email elsewhere", toolkit.CreateAccount{Email: s(*existing.Username + "@example.org"), Entitlements: ents()}, toolkit.AccountStatusActive},
		} {
			t.Run(tc.name, func(t *testing.T) {
				is := is.New(t)
				got, kind := mustWrite[toolkit.CreatedAccount](t, "create_account", n, tc.p)
				is.Equal(kind, toolkit.EffectCreated)
				is.True(got.Created)
				is.Equal(got.Status, tc.status)
				is.True(got.ID != nil && strings.HasPrefix(*got.ID, mock.NewAccountIDPrefix))
				is.Equal(len(*got.ID), len(mock.NewAccountIDPrefix)+16)
				// The new id is no tenant account's.
				is.Equal(errorCode(t, "get_account", req(n, map[string]any{"account_id": *got.ID}, nil)), "not_found")
			})
		}
		// The id follows the email (any case), else the username.
		is := is.New(t)
		a, _ := mustWrite[toolkit.CreatedAccount](t, "create_account", n, toolkit.CreateAccount{Email: s("grace@example.org"), Username: s("gh"), Entitlements: ents()})
		b, _ := mustWrite[toolkit.CreatedAccount](t, "create_account", n, toolkit.CreateAccount{Email: s("Grace@Example.org"), GivenName: s("Grace"), Entitlements: ents()})
		c, _ := mustWrite[toolkit.CreatedAccount](t, "create_account", n, toolkit.CreateAccount{Email: s("hopper@example.org"), Entitlements: ents()})
		is.Equal(*a.ID, *b.ID)
		is.True(*a.ID != *c.ID)
	})

	t.Run("existing identical is a noop", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			p    toolkit.CreateAccount
		}{
			{"email", toolkit.CreateAccount{Email: existing.Email, Entitlements: ents()}},
			{"email in upper case", toolkit.CreateAccount{Email: s(strings.ToUpper(*existing.Email)), Entitlements: ents()}},
			{"username", toolkit.CreateAccount{Username: existing.Username, Entitlements: ents(roleEnt)}},
			{"every field", toolkit.CreateAccount{Email: existing.Email, Username: existing.Username, GivenName: existing.GivenName,
				FamilyName: existing.FamilyName, UserStatus: s("active"), Entitlements: ents(roleEnt, teamEnt)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				is := is.New(t)
				got, kind := mustWrite[toolkit.CreatedAccount](t, "create_account", n, tc.p)
				is.Equal(kind, toolkit.EffectNoop)
				is.Equal(got, toolkit.CreatedAccount{ID: s("user-5"), Status: *existing.UserStatus, Created: false})
			})
		}
	})

	t.Run("errors", func(t *testing.T) {
		other, _ := ok[toolkit.FoundAccountData](t, "get_account", req(n, map[string]any{"account_id": "user-6"}, nil))
		for _, tc := range []struct {
			name, code, appCode, mention string
			p                            toolkit.CreateAccount
		}{
			{"no email nor username", "bad_request", "", "email or a username", toolkit.CreateAccount{GivenName: s("Grace"), Entitlements: ents()}},
			{"empty email and username", "bad_request", "", "email or a username", toolkit.CreateAccount{Email: s(""), Username: s(""), Entitlements: ents()}},
			{"email without @", "invalid_value", "", "'grace'", toolkit.CreateAccount{Email: s("grace"), Entitlements: ents()}},
			{"unknown status", "invalid_value", "", "suspended", toolkit.CreateAccount{Email: s("g@example.org"), UserStatus: s("suspended"), Entitlements: ents()}},
			{"unknown entitlement", "not_found", "", "Entitlement 'owner'", toolkit.CreateAccount{Email: s("g@example.org"),
				Entitlements: ents(toolkit.CreateAccountEntitlement{EntitlementType: "role", IntegrationSpecificID: "owner"})}},
			{"unknown resource", "not_found", "", "Resource 'team-9'", toolkit.CreateAccount{Email: s("g@example.org"),
				Entitlements: ents(toolkit.CreateAccountEntitlement{IntegrationSpecificResourceID: s("team-9"), EntitlementType: "team_member", IntegrationSpecificID: "member"})}},
			{"entitlement of another type", "not_found", "", "of type 'team_maintainer'", toolkit.CreateAccount{Email: s("g@example.org"),
				Entitlements: ents(toolkit.CreateAccountEntitlement{IntegrationSpecificResourceID: s("team-1"), EntitlementType: "team_maintainer", IntegrationSpecificID: "member"})}},
			{"existing with another name", "invalid_value", "account_exists", "given_name", toolkit.CreateAccount{Email: existing.Email, GivenName: s("Someone"), Entitlements: ents()}},
			{"existing with another status", "invalid_value", "account_exists", "user_status", toolkit.CreateAccount{Email: existing.Email, UserStatus: s("pending"), Entitlements: ents()}},
			{"existing without the entitlement", "invalid_value", "account_exists", "entitlements", toolkit.CreateAccount{Username: existing.Username, Entitlements: ents(otherTeam)}},
			{"existing email, new username", "invalid_value", "account_exists", "username", toolkit.CreateAccount{Email: existing.Email, Username: s("grace"), Entitlements: ents()}},
			{"email and username of two accounts", "invalid_value", "account_exists", "user-6", toolkit.CreateAccount{Email: existing.Email, Username: other.Username, Entitlements: ents()}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				is := is.New(t)
				msg, appCode := mustFail(t, "create_account", n, tc.p, tc.code)
				is.Equal(appCode, tc.appCode)
				if !strings.Contains(msg, tc.mention) {
					t.Fatalf("message %q does not mention %q", msg, tc.mention)
				}
			})
		}
	})

	t.Run("entitlements are required", func(t *testing.T) {
		mustFail(t, "create_account", n, map[string]any{"email": "g@example.org"}, "bad_request")
	})
}

func TestUpdateAccount(t *testing.T) {
	const n = 100
	a, _ := ok[toolkit.FoundAccountData](t, "get_account", req(n, map[string]any{"account_id": "user-5"}, nil))
	other, _ := ok[toolkit.FoundAccountData](t, "get_account", req(n, map[string]any{"account_id": "user-6"}, nil))
	s := toolkit.Ptr[string]
	upd := func(f func(*mock.AccountUpdate)) mock.AccountUpdate {
		u := mock.AccountUpdate{UpdateableAccount: toolkit.UpdateableAccount{ID: "user-5"}}
		f(&u)
		return u
	}
	current := mock.AccountUpdate{UpdateableAccount: toolkit.UpdateableAccount{ID: "user-5"},
		Email: a.Email, Username: a.Username, GivenName: a.GivenName, FamilyName: a.FamilyName}

	for _, tc := range []struct {
		name string
		p    mock.AccountUpdate
		kind toolkit.EffectKind
		want mock.AccountUpdate
	}{
		{"no field", upd(func(*mock.AccountUpdate) {}), toolkit.EffectNoop, current},
		{"same values", current, toolkit.EffectNoop, current},
		{"same given name", upd(func(u *mock.AccountUpdate) { u.GivenName = a.GivenName }), toolkit.EffectNoop, current},
		{"new given name", upd(func(u *mock.AccountUpdate) { u.GivenName = s("Augusta") }), toolkit.EffectUpdated,
			func() mock.AccountUpdate { c := current; c.GivenName = s("Augusta"); return c }()},
		{"new email", upd(func(u *mock.AccountUpdate) { u.Email = s("ada@example.org") }), toolkit.EffectUpdated,
			func() mock.AccountUpdate { c := current; c.Email = s("ada@example.org"); return c }()},
		{"own email in another case", upd(func(u *mock.AccountUpdate) { u.Email = s(strings.ToUpper(*a.Email)) }), toolkit.EffectUpdated,
			func() mock.AccountUpdate { c := current; c.Email = s(strings.ToUpper(*a.Email)); return c }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got, kind := mustWrite[mock.AccountUpdate](t, "update_account", n, tc.p)
			is.Equal(kind, tc.kind)
			is.Equal(got, tc.want)
		})
	}

	for _, tc := range []struct {
		name, code, appCode string
		p                   mock.AccountUpdate
	}{
		{"unknown account", "not_found", "", upd(func(u *mock.AccountUpdate) { u.ID = "user-100"; u.GivenName = s("X") })},
		{"another account's email", "invalid_value", "already_taken", upd(func(u *mock.AccountUpdate) { u.Email = other.Email })},
		{"another account's username", "invalid_value", "already_taken", upd(func(u *mock.AccountUpdate) { u.Username = s(strings.ToUpper(*other.Username)) })},
		{"empty family name", "invalid_value", "", upd(func(u *mock.AccountUpdate) { u.FamilyName = s("") })},
		{"email without @", "invalid_value", "", upd(func(u *mock.AccountUpdate) { u.Email = s("ada") })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, appCode := mustFail(t, "update_account", n, tc.p, tc.code)
			is.New(t).Equal(appCode, tc.appCode)
		})
	}
}

// The account lifecycle writes follow each account's status in the tenant.
func TestAccountLifecycle(t *testing.T) {
	const n = 100
	f := facts(t, n)
	type want struct {
		kind   toolkit.EffectKind // "" for an error
		status toolkit.AccountStatus
	}
	const (
		active, inactive, suspended = toolkit.AccountStatusActive, toolkit.AccountStatusInactive, toolkit.AccountStatusSuspended
		pending, deprov, deleted    = toolkit.AccountStatusPending, toolkit.AccountStatusDeprovisioned, toolkit.AccountStatusDeleted
		noop, updated, gone         = toolkit.EffectNoop, toolkit.EffectUpdated, toolkit.EffectDeleted
	)
	activate := map[toolkit.AccountStatus]want{active: {noop, active}, inactive: {updated, active}, suspended: {updated, active},
		pending: {updated, active}, deprov: {updated, active}, deleted: {"", ""}}
	deactivate := map[toolkit.AccountStatus]want{active: {updated, inactive}, pending: {updated, inactive}, inactive: {noop, inactive},
		suspended: {noop, suspended}, deprov: {noop, deprov}, deleted: {noop, deleted}}
	remove := map[toolkit.AccountStatus]want{active: {gone, deleted}, inactive: {gone, deleted}, suspended: {gone, deleted},
		pending: {gone, deleted}, deprov: {gone, deleted}, deleted: {noop, deleted}}

	seen := map[toolkit.AccountStatus]bool{}
	for _, a := range f.accounts[:28] { // every status, twice
		id, st := a.IntegrationSpecificID, *a.UserStatus
		seen[st] = true
		t.Run(fmt.Sprintf("%s/%s", id, st), func(t *testing.T) {
			is := is.New(t)
			if w := activate[st]; w.kind == "" {
				msg, _ := mustFail(t, "activate_account", n, toolkit.ActivateAccount{AccountID: id}, "invalid_value")
				is.True(strings.Contains(msg, id))
			} else {
				got, kind := mustWrite[toolkit.ActivatedAccount](t, "activate_account", n, toolkit.ActivateAccount{AccountID: id})
				is.Equal(kind, w.kind)
				is.Equal(got, toolkit.ActivatedAccount{Status: w.status, Activated: true})
			}
			w := deactivate[st]
			d, kind := mustWrite[toolkit.DeactivatedAccount](t, "deactivate_account", n, toolkit.DeactivateAccount{AccountID: id})
			is.Equal(kind, w.kind)
			is.Equal(d, toolkit.DeactivatedAccount{Status: w.status, Deactivated: true})
			w = remove[st]
			del, kind := mustWrite[toolkit.DeletedAccount](t, "delete_account", n, toolkit.DeleteAccount{AccountID: id})
			is.Equal(kind, w.kind)
			is.Equal(del, toolkit.DeletedAccount{Status: w.status, Deleted: true})

			// Resources and licenses: nothing to release or downgrade once
			// deprovisioned or deleted; members already have the basic license.
			off := st == deprov || st == deleted
			rel, kind := mustWrite[toolkit.ReleaseResourcesStatus](t, "release_resources", n, toolkit.ReleaseResources{AccountID: id})
			is.True(rel.Success)
			is.Equal(kind, map[bool]toolkit.EffectKind{true: noop, false: updated}[off])
			is.Equal(rel.Reason != nil, off) // a noop says why
			dl, kind := mustWrite[toolkit.DowngradedLicense](t, "downgrade_license", n, toolkit.DowngradeLicense{AccountID: id})
			is.True(dl.Success)
			basic := off || f.role(id) == "member"
			is.Equal(kind, map[bool]toolkit.EffectKind{true: noop, false: updated}[basic])
			is.Equal(dl.Reason != nil, basic)
		})
	}
	is.New(t).Equal(len(seen), 6)

	for _, c := range []struct {
		capability string
		payload    any
	}{
		{"activate_account", toolkit.ActivateAccount{AccountID: "user-100"}},
		{"deactivate_account", toolkit.DeactivateAccount{AccountID: "nope"}},
		{"delete_account", toolkit.DeleteAccount{AccountID: ""}},
		{"release_resources", toolkit.ReleaseResources{AccountID: "user-+1"}},
		{"downgrade_license", toolkit.DowngradeLicense{AccountID: "team-0"}},
	} {
		t.Run(c.capability+"/not found", func(t *testing.T) { mustFail(t, c.capability, n, c.payload, "not_found") })
	}
	// An admin and a billing manager are downgraded.
	is := is.New(t)
	is.Equal(f.role("user-0"), "admin")
	is.Equal(f.role("user-1"), "billing")
	_, kind := mustWrite[toolkit.DowngradedLicense](t, "downgrade_license", n, toolkit.DowngradeLicense{AccountID: "user-0"})
	is.Equal(kind, updated)
}

func TestTransferData(t *testing.T) {
	const n = 100
	f := facts(t, n)
	byStatus := map[toolkit.AccountStatus]string{}
	for _, a := range f.accounts {
		if _, has := byStatus[*a.UserStatus]; !has {
			byStatus[*a.UserStatus] = a.IntegrationSpecificID
		}
	}
	activeID, pendingID, deletedID := byStatus[toolkit.AccountStatusActive], byStatus[toolkit.AccountStatusPending], byStatus[toolkit.AccountStatusDeleted]
	other := byStatus[toolkit.AccountStatusInactive]
	for _, tc := range []struct {
		name, src, dst string
		kind           toolkit.EffectKind
	}{
		{"moved", activeID, other, toolkit.EffectUpdated},
		{"to a suspended account", activeID, byStatus[toolkit.AccountStatusSuspended], toolkit.EffectUpdated},
		{"same account", activeID, activeID, toolkit.EffectNoop},
		{"pending source has no data", pendingID, activeID, toolkit.EffectNoop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got, kind := mustWrite[toolkit.TransferDataStatus](t, "transfer_data", n, toolkit.TransferData{SourceAccountID: tc.src, TargetAccountID: tc.dst})
			is.True(got.Success)
			is.Equal(kind, tc.kind)
			is.Equal(got.Reason != nil, kind == toolkit.EffectNoop)
		})
	}
	for _, tc := range []struct{ name, src, dst, code, mention string }{
		{"unknown source", "user-100", activeID, "not_found", "user-100"},
		{"unknown target", activeID, "user-101", "not_found", "user-101"},
		{"deleted target", activeID, deletedID, "invalid_value", deletedID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, _ := mustFail(t, "transfer_data", n, toolkit.TransferData{SourceAccountID: tc.src, TargetAccountID: tc.dst}, tc.code)
			is.New(t).True(strings.Contains(msg, tc.mention))
		})
	}
}

// Writes on the largest accounts of a big tenant cost what they cost on a small one.
func TestWritesInBigTenant(t *testing.T) {
	is := is.New(t)
	const n = 1_000_000_000
	_, kind := mustWrite[toolkit.DeletedAccount](t, "delete_account", n, toolkit.DeleteAccount{AccountID: "user-999999999"})
	is.Equal(kind, toolkit.EffectDeleted)
	mustFail(t, "delete_account", n, toolkit.DeleteAccount{AccountID: "user-1000000000"}, "not_found")
	got, kind := mustWrite[toolkit.CreatedAccount](t, "create_account", n, toolkit.CreateAccount{
		Username: toolkit.Ptr("Ada.Lovelace.0"), Entitlements: []toolkit.CreateAccountEntitlement{}})
	is.Equal(kind, toolkit.EffectNoop)
	is.Equal(*got.ID, "user-0")
	_, kind = mustWrite[toolkit.AssignedEntitlement](t, "assign_entitlement", n, toolkit.AssignEntitlement{EntitlementGrant: toolkit.EntitlementGrant{
		AccountIntegrationSpecificID: "user-999999999", ResourceIntegrationSpecificID: "team-39999999", ResourceType: "team",
		EntitlementType: "team_member", EntitlementIntegrationSpecificID: "member"}})
	is.Equal(kind, toolkit.EffectNoop) // 999999999 mod 40000000 teams
}

// assign_entitlement and unassign_entitlement (and their application
// forms) check one entitlement reference on one path: every refusal reads
// the same from both, and a value of the wrong type is reported at its key.
func TestEntitlementWritesShareChecks(t *testing.T) {
	const n = 100
	tenantRole := toolkit.EntitlementRef{AccountID: "user-1", ResourceType: "tenant", EntitlementType: "role", EntitlementID: "admin"}
	appRole := toolkit.EntitlementRef{AccountID: "user-1", ResourceType: "tenant", EntitlementType: "role", EntitlementID: "viewer"}
	wrongType := map[string]any{"application_instance_id": "app-1", "account_integration_specific_id": 7, "resource_type": "tenant",
		"resource_integration_specific_id": "", "entitlement_type": "role", "entitlement_integration_specific_id": "admin"}
	for _, tc := range []struct {
		name             string
		assign, unassign string
		assignPayload    any
		unassignPayload  any
		code, want       string
	}{
		{"unknown account", "assign_entitlement", "unassign_entitlement",
			toolkit.AssignEntitlement{EntitlementGrant: with(tenantRole, func(r *toolkit.EntitlementRef) { r.AccountID = "user-100" }).Grant()},
			toolkit.UnassignEntitlement{EntitlementRevocation: with(tenantRole, func(r *toolkit.EntitlementRef) { r.AccountID = "user-100" }).Revocation()},
			"not_found", "Account 'user-100' not found"},
		{"role of another type", "assign_entitlement", "unassign_entitlement",
			toolkit.AssignEntitlement{EntitlementGrant: with(tenantRole, func(r *toolkit.EntitlementRef) { r.EntitlementType = "team_member" }).Grant()},
			toolkit.UnassignEntitlement{EntitlementRevocation: with(tenantRole, func(r *toolkit.EntitlementRef) { r.EntitlementType = "team_member" }).Revocation()},
			"not_found", "Entitlement 'admin' of type 'team_member' not found on resource '': it is of type 'role'"},
		{"wrong JSON type", "assign_entitlement", "unassign_entitlement", wrongType, wrongType,
			"bad_request", "Invalid request - request.account_integration_specific_id: expected string, got number"},
		{"unknown application role", "assign_application_entitlement", "unassign_application_entitlement",
			toolkit.AssignApplicationEntitlement{ApplicationInstanceID: "app-1", EntitlementGrant: with(appRole, func(r *toolkit.EntitlementRef) { r.EntitlementID = "admin" }).Grant()},
			toolkit.UnassignApplicationEntitlement{ApplicationInstanceID: "app-1", EntitlementRevocation: with(appRole, func(r *toolkit.EntitlementRef) { r.EntitlementID = "admin" }).Revocation()},
			"not_found", "Entitlement 'admin' not found on resource '' in application 'app-1'"},
		{"wrong JSON type, application", "assign_application_entitlement", "unassign_application_entitlement", wrongType, wrongType,
			"bad_request", "Invalid request - request.account_integration_specific_id: expected string, got number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			assigned, _ := mustFail(t, tc.assign, n, tc.assignPayload, tc.code)
			unassigned, _ := mustFail(t, tc.unassign, n, tc.unassignPayload, tc.code)
			is.Equal(assigned, tc.want)
			is.Equal(unassigned, tc.want)
		})
	}
}

// with is ref changed by edit.
func with(ref toolkit.EntitlementRef, edit func(*toolkit.EntitlementRef)) toolkit.EntitlementRef {
	edit(&ref)
	return ref
}
