package conformance_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// tenant is what a writable test connector lists: accounts, entitlements
// and who holds which.
type tenant struct {
	accounts []toolkit.FoundAccountData
	ents     []toolkit.FoundEntitlementData
	held     []toolkit.FoundEntitlementAssociation
	noHeld   bool // register no find_entitlement_associations
	types    []toolkit.EntitlementType
}

// writable declares a connector serving the tenant, whose writes always
// answer noop; assigned receives the payload of every assign_entitlement.
func (tn tenant) writable(assigned *[]toolkit.AssignEntitlement) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "writable", Version: "1.0.0", Auth: toolkit.AuthBasic,
		ResourceTypes:    []toolkit.ResourceType{{TypeID: "team", TypeLabel: "Team"}},
		EntitlementTypes: tn.types})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "writable"}}, nil
	})
	toolkit.Handle(in, toolkit.CapListAccounts, func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		return toolkit.ListAccountsResponse{Response: append([]toolkit.FoundAccountData{}, tn.accounts...)}, nil
	})
	toolkit.Handle(in, toolkit.CapListEntitlements, func(context.Context, toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
		return toolkit.ListEntitlementsResponse{Response: append([]toolkit.FoundEntitlementData{}, tn.ents...)}, nil
	})
	if !tn.noHeld {
		toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, func(context.Context, toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
			return toolkit.FindEntitlementAssociationsResponse{Response: append([]toolkit.FoundEntitlementAssociation{}, tn.held...)}, nil
		})
	}
	toolkit.Handle(in, toolkit.CapAssignEntitlement, func(_ context.Context, req toolkit.AssignEntitlementRequest) (toolkit.AssignEntitlementResponse, error) {
		*assigned = append(*assigned, req.Request)
		sum, err := toolkit.Summarize(req.Request, toolkit.Noop(), true)
		return toolkit.AssignEntitlementResponse{Response: toolkit.AssignedEntitlement{Assigned: true}, ExecutionSummary: sum}, err
	})
	toolkit.Handle(in, toolkit.CapUnassignEntitlement, func(_ context.Context, req toolkit.UnassignEntitlementRequest) (toolkit.UnassignEntitlementResponse, error) {
		sum, err := toolkit.Summarize(req.Request, toolkit.Noop(), true)
		return toolkit.UnassignEntitlementResponse{Response: toolkit.UnassignedEntitlement{Unassigned: true}, ExecutionSummary: sum}, err
	})
	return in
}

func account(id string, status toolkit.AccountStatus) toolkit.FoundAccountData {
	return toolkit.FoundAccountData{IntegrationSpecificID: id, UserStatus: &status}
}

func entitlement(id, resource, typ string, assignable bool) toolkit.FoundEntitlementData {
	return toolkit.FoundEntitlementData{IntegrationSpecificID: id, IntegrationSpecificResourceID: resource, EntitlementType: typ,
		Label: id, IsAssignable: &assignable}
}

func holds(account, ent, resource string) toolkit.FoundEntitlementAssociation {
	return toolkit.FoundEntitlementAssociation{AccountID: account, IntegrationSpecificEntitlementID: ent, IntegrationSpecificResourceID: resource}
}

// The write checks pick their grant from the listings, or say why there is
// none to test.
func TestWriteChecksPickAGrant(t *testing.T) {
	active, suspended := toolkit.AccountStatusActive, toolkit.AccountStatusSuspended
	member := []toolkit.EntitlementType{{TypeID: "member", TypeLabel: "Member", ResourceTypeID: "team"}}
	one := 1
	single := []toolkit.EntitlementType{{TypeID: "member", TypeLabel: "Member", ResourceTypeID: "team", Max: &one}}
	u1 := []toolkit.FoundAccountData{account("u1", active)}
	e1 := []toolkit.FoundEntitlementData{entitlement("e1", "t1", "member", true)}
	many := make([]toolkit.FoundAccountData, 21)
	for i := range many {
		many[i] = account("u"+strconv.Itoa(i+1), active)
	}
	tests := []struct {
		name      string
		tenant    tenant
		stateless bool   // StatelessWrites, else the round trip
		assign    string // the assign check's summary
		resource  string // the resource_type assigned, when a grant is tested
	}{
		{
			name:   "no account",
			tenant: tenant{ents: e1, types: member},
			assign: "no grant to test: list_accounts listed no account",
		},
		{
			name:   "no entitlement",
			tenant: tenant{accounts: u1, types: member},
			assign: "no grant to test: list_entitlements listed no entitlement",
		},
		{
			name: "nothing assignable",
			tenant: tenant{accounts: u1,
				ents: []toolkit.FoundEntitlementData{entitlement("e1", "t1", "member", false)}, types: member},
			stateless: true,
			assign:    "no grant to test: no assignable entitlement",
		},
		{
			name:   "the round trip wants a type without a maximum",
			tenant: tenant{accounts: u1, ents: e1, types: single},
			assign: "no grant to test: no assignable entitlement of a type without a maximum",
		},
		{
			name:   "holdings unknown",
			tenant: tenant{accounts: u1, ents: e1, types: member, noHeld: true},
			assign: "no grant to test: telling which entitlements an account holds needs get_account_entitlement_associations or a complete find_entitlement_associations listing",
		},
		{
			name:      "nobody holds an entitlement to assign again",
			tenant:    tenant{accounts: u1, ents: e1, types: member},
			stateless: true,
			assign:    "no grant to test: no account holds one of the assignable entitlements",
		},
		{
			name: "only the first 20 accounts are asked about",
			tenant: tenant{accounts: many, ents: e1, types: member,
				held: []toolkit.FoundEntitlementAssociation{holds("u21", "e1", "t1")}},
			stateless: true,
			assign:    "no grant to test: no account holds one of the assignable entitlements",
		},
		{
			name: "active accounts first; the resource type from the entitlement type",
			tenant: tenant{accounts: []toolkit.FoundAccountData{account("u1", suspended), account("u2", active)},
				ents: e1, types: member,
				held: []toolkit.FoundEntitlementAssociation{holds("u1", "e1", "t1"), holds("u2", "e1", "t1")}},
			stateless: true,
			assign:    `account "u2", entitlement "e1" on "t1": noop, then noop`,
			resource:  "team",
		},
		{
			name: "a tenant-wide entitlement",
			tenant: tenant{accounts: u1,
				ents: []toolkit.FoundEntitlementData{entitlement("e1", "", "member", true)}, types: member,
				held: []toolkit.FoundEntitlementAssociation{holds("u1", "e1", "")}},
			stateless: true,
			assign:    `account "u1", entitlement "e1": noop, then noop`,
			resource:  "team",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var assigned []toolkit.AssignEntitlement
			r := conformance.Check(context.Background(), tt.tenant.writable(&assigned),
				conformance.Options{Request: basicAuth, AllowWrites: true, StatelessWrites: tt.stateless})
			res := result(t, r, "writes: assign_entitlement twice")
			is.Equal(res.Summary, tt.assign)
			if tt.resource == "" {
				is.Equal(len(assigned), 0) // no grant, no write
				return
			}
			is.Equal(len(assigned), 2)
			is.Equal(assigned[0].ResourceType, tt.resource)
		})
	}
}
