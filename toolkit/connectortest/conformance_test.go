package connectortest_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// broken is a connector with the faults the suite must catch: a listing
// whose token comes back twice, a listing with an id on two pages that
// accepts any token, and a handler that panics.
var broken = func() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "broken", Version: "0.0.1", Auth: toolkit.AuthBasic,
		Description: toolkit.DescriptionData{UserFriendlyName: "Broken"}})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "broken"}}, nil
	})
	account := func(id string) toolkit.FoundAccountData { return toolkit.FoundAccountData{IntegrationSpecificID: id} }
	toolkit.Handle(in, toolkit.CapListAccounts, func(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		switch token(req.Page) {
		case "":
			return toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{account("u1"), account("u2")}, Page: &toolkit.Page{Token: "again", Size: 2}}, nil
		case "again": // the same token again: a client following it loops forever
			return toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{account("u3")}, Page: &toolkit.Page{Token: "again", Size: 2}}, nil
		}
		return toolkit.ListAccountsResponse{}, errs.New(errs.InvalidPageToken, "bad token")
	})
	resource := func(id string) toolkit.FoundResourceData {
		return toolkit.FoundResourceData{IntegrationSpecificID: id, Label: id, ResourceType: "group"}
	}
	toolkit.Handle(in, toolkit.CapListResources, func(_ context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
		if token(req.Page) == "" {
			return toolkit.ListResourcesResponse{Response: []toolkit.FoundResourceData{resource("r1"), resource("r2")}, Page: &toolkit.Page{Token: "p2", Size: 2}}, nil
		}
		// Any token is taken for page 2, which repeats r2.
		return toolkit.ListResourcesResponse{Response: []toolkit.FoundResourceData{resource("r2"), resource("r3")}}, nil
	})
	toolkit.Handle(in, toolkit.CapListEntitlements, func(context.Context, toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
		panic("entitlements are not ready")
	})
	return in
}()

func token(p *toolkit.Page) string {
	if p == nil {
		return ""
	}
	return p.Token
}

const basicAuth = `{"auth":{"basic":{"username":"u","password":"p"}}}`

// The suite fails a broken connector, naming each fault clearly.
func TestConformanceFailsABrokenConnector(t *testing.T) {
	var report connectortest.Report
	r := record(t, func(tb testing.TB) {
		report = connectortest.Conformance(tb, broken, connectortest.Options{Request: basicAuth})
	})
	r.mustFail(t,
		"conformance of broken: list_accounts: drain: 3 items in 2 pages; 1 problem",
		"repeated token: page 2 returns the same next-page token as page 1, so the listing would loop forever",
		"conformance of broken: list_resources: drain",
		`duplicate id integration_specific_id="r2": on page 2, first seen on page 1`,
		"conformance of broken: list_resources: tampered token: 4 of 4 altered tokens not answered invalid_page_token",
		"a token that was never issued is accepted (a page came back), want invalid_page_token",
		"conformance of broken: list_accounts: smaller pages",
		`call 2 repeats integration_specific_id="u3", already returned before`,
		"conformance of broken: list_resources: smaller pages",
		"conformance of broken: list_entitlements: drain",
		"page 1: the connector answered an error: unexpected_error: The capability failed unexpectedly: panic: entitlements are not ready",
	)
	if report.OK() || report.Failed != 6 {
		t.Errorf("report: OK %v, %d failed, want 6 failures:\n%s", report.OK(), report.Failed, report.Text())
	}
	want := map[string]conformance.Status{
		"info": conformance.Pass, "schemas": conformance.Pass, "app_info": conformance.Pass, "validate_credentials": conformance.Pass,
		"list_accounts: drain": conformance.Fail, "list_accounts: tampered token": conformance.Pass, "list_accounts: smaller pages": conformance.Fail,
		"list_resources: drain": conformance.Fail, "list_resources: tampered token": conformance.Fail, "list_resources: smaller pages": conformance.Fail,
		"list_entitlements: drain": conformance.Fail, "list_entitlements: tampered token": conformance.Skip, "list_entitlements: smaller pages": conformance.Skip,
		"hostile envelopes": conformance.Pass, "secrets": conformance.Pass,
		"writes: assign_entitlement twice": conformance.Skip, "writes: unassign_entitlement twice": conformance.Skip,
	}
	for name, status := range want {
		if res, ok := report.Result(name); !ok || res.Status != status {
			t.Errorf("check %q: %+v, want status %s", name, res, status)
		}
	}
	if res, _ := report.Result("app_info"); !strings.Contains(res.Summary, "full validation") {
		t.Errorf("app_info is not validated by kin-openapi: %s", res.Summary)
	}
	// The whole report is logged for go test -v.
	if logs := strings.Join(r.logs, "\n"); !strings.Contains(logs, "Conformance of broken 0.0.1") ||
		!strings.Contains(logs, "FAIL  list_entitlements: drain") || !strings.Contains(logs, "FAIL: 17 checks, 7 passed, 6 failed, 4 skipped") {
		t.Errorf("the logged report reads:\n%s", logs)
	}
}

// ledger is a well-behaved connector whose writes persist in memory: the
// suite's default write round trip passes on it and leaves it as it was.
type ledger struct {
	mu   sync.Mutex
	held map[[2]string]bool // (account, team) → member
}

var ledgerState = &ledger{held: map[[2]string]bool{{"a1", "t1"}: true, {"a2", "t2"}: true}}

var ledgerIntegration = func() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "ledger", Version: "1.0.0", Auth: toolkit.AuthBasic,
		ResourceTypes:    []toolkit.ResourceType{{TypeID: "team", TypeLabel: "Team"}},
		EntitlementTypes: []toolkit.EntitlementType{{TypeID: "member", TypeLabel: "Member", ResourceTypeID: "team"}},
	})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "ledger"}}, nil
	})
	accounts := []string{"a1", "a2", "a3", "a4", "a5"}
	toolkit.Handle(in, toolkit.CapListAccounts, func(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		ids, page, err := pageOf("ledger/accounts", accounts, req.Page)
		out := toolkit.ListAccountsResponse{Page: page}
		for _, id := range ids {
			out.Response = append(out.Response, toolkit.FoundAccountData{IntegrationSpecificID: id, UserStatus: toolkit.Ptr(toolkit.AccountStatusActive)})
		}
		return out, err
	})
	toolkit.Handle(in, toolkit.CapListResources, func(context.Context, toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
		return toolkit.ListResourcesResponse{Response: []toolkit.FoundResourceData{
			{IntegrationSpecificID: "t1", Label: "Team 1", ResourceType: "team"},
			{IntegrationSpecificID: "t2", Label: "Team 2", ResourceType: "team"}}}, nil
	})
	toolkit.Handle(in, toolkit.CapListEntitlements, func(context.Context, toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
		return toolkit.ListEntitlementsResponse{Response: []toolkit.FoundEntitlementData{
			{EntitlementType: "member", IntegrationSpecificID: "member", IntegrationSpecificResourceID: "t1", Label: "Team 1 member"},
			{EntitlementType: "member", IntegrationSpecificID: "member", IntegrationSpecificResourceID: "t2", Label: "Team 2 member"}}}, nil
	})
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, func(_ context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
		ledgerState.mu.Lock()
		keys := slices.SortedFunc(maps.Keys(ledgerState.held), func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
		ledgerState.mu.Unlock()
		var out toolkit.FindEntitlementAssociationsResponse
		for _, k := range keys {
			out.Response = append(out.Response, toolkit.FoundEntitlementAssociation{AccountID: k[0], IntegrationSpecificEntitlementID: "member", IntegrationSpecificResourceID: k[1]})
		}
		return out, nil
	})
	toolkit.Handle(in, toolkit.CapAssignEntitlement, func(_ context.Context, req toolkit.AssignEntitlementRequest) (toolkit.AssignEntitlementResponse, error) {
		p := req.Request
		effect := ledgerState.set(p.AccountIntegrationSpecificID, p.ResourceIntegrationSpecificID, true)
		sum, err := toolkit.Summarize(p, effect, true)
		return toolkit.AssignEntitlementResponse{Response: toolkit.AssignedEntitlement{Assigned: true}, ExecutionSummary: sum}, err
	})
	toolkit.Handle(in, toolkit.CapUnassignEntitlement, func(_ context.Context, req toolkit.UnassignEntitlementRequest) (toolkit.UnassignEntitlementResponse, error) {
		p := req.Request
		effect := ledgerState.set(p.AccountIntegrationSpecificID, p.ResourceIntegrationSpecificID, false)
		sum, err := toolkit.Summarize(p, effect, true)
		return toolkit.UnassignEntitlementResponse{Response: toolkit.UnassignedEntitlement{Unassigned: true}, ExecutionSummary: sum}, err
	})
	return in
}()

func (l *ledger) set(account, team string, member bool) toolkit.Effect {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := [2]string{account, team}
	switch {
	case l.held[k] == member:
		return toolkit.Noop()
	case member:
		l.held[k] = true
		return toolkit.Created()
	}
	delete(l.held, k)
	return toolkit.Deleted()
}

// pageOf pages ids two at a time with integrity-checked tokens.
func pageOf(scope string, ids []string, p *toolkit.Page) ([]string, *toolkit.Page, error) {
	var at struct{ Offset int }
	if p != nil && p.Token != "" {
		if err := pagetoken.Decode(scope, p.Token, &at); err != nil {
			return nil, nil, err
		}
	}
	start := min(at.Offset, len(ids))
	end := min(start+2, len(ids))
	if end == len(ids) {
		return ids[start:end], nil, nil
	}
	at.Offset = end
	tok, err := pagetoken.Encode(scope, at)
	return ids[start:end], &toolkit.Page{Token: tok, Size: 2}, err
}

// A connector whose writes persist passes the default write round trip,
// which leaves it as it was.
func TestConformanceRoundTripOnAStatefulConnector(t *testing.T) {
	before := fmt.Sprint(ledgerState.held)
	report := connectortest.Conformance(t, ledgerIntegration, connectortest.Options{Request: basicAuth, AllowWrites: true})
	assign, _ := report.Result("writes: assign_entitlement twice")
	unassign, _ := report.Result("writes: unassign_entitlement twice")
	if want := `account "a1", entitlement "member" on "t2" (not held): created, then noop`; assign.Summary != want {
		t.Errorf("assign: %q, want %q", assign.Summary, want)
	}
	if want := `account "a1", entitlement "member" on "t2" (just assigned): deleted, then noop`; unassign.Summary != want {
		t.Errorf("unassign: %q, want %q", unassign.Summary, want)
	}
	if after := fmt.Sprint(ledgerState.held); after != before {
		t.Errorf("the ledger changed: %s, was %s", after, before)
	}
	// The drain used pages of the size the suite asked for.
	if res, _ := report.Result("list_accounts: drain"); !strings.HasPrefix(res.Summary, "5 items in 3 pages, to the end") {
		t.Errorf("list_accounts: drain: %s", res.Summary)
	}
}

// StatelessWrites tests the same writes on grants whose state already matches.
func TestConformanceStatelessWritesOnAStatefulConnector(t *testing.T) {
	report := connectortest.Conformance(t, ledgerIntegration, connectortest.Options{Request: basicAuth, AllowWrites: true, StatelessWrites: true})
	assign, _ := report.Result("writes: assign_entitlement twice")
	unassign, _ := report.Result("writes: unassign_entitlement twice")
	if want := `account "a1", entitlement "member" on "t1": noop, then noop`; assign.Summary != want {
		t.Errorf("assign: %q, want %q", assign.Summary, want)
	}
	if want := `account "a1", entitlement "member" on "t2": noop, then noop`; unassign.Summary != want {
		t.Errorf("unassign: %q, want %q", unassign.Summary, want)
	}
}
