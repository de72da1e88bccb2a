package mock_test

import (
	"strings"
	"testing"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// mockCalls is the auth and settings of the suite's calls: a tenant of 120
// accounts, so listings take several pages of 40.
const mockCalls = `{"auth":{"basic":{"username":"foo","password":"bar"}},"settings":{"host":"h","tenant_size":120}}`

// The mock passes the conformance suite. Its writes do not persist, so the
// suite tests them on grants whose state already matches: assigning the
// tenant role user-0 holds (admin) is a noop both times, and so is
// unassigning the role it does not hold (billing).
func TestConformance(t *testing.T) {
	t.Parallel()
	report := connectortest.Conformance(t, mock.Integration(), connectortest.Options{
		Request: mockCalls, AllowWrites: true, StatelessWrites: true, PageSize: 40,
	})
	want := map[string]string{
		"list_accounts: drain":                 "120 items in 3 pages, to the end; no repeated token; no duplicate id (integration_specific_id)",
		"find_entitlement_associations: drain": "240 items in 6 pages, to the end; no repeated token; no duplicate id (account_id, integration_specific_entitlement_id, integration_specific_resource_id)",
		"list_resources: drain":                "6 items in 1 page, to the end; no repeated token; no duplicate id (integration_specific_id)",
		"writes: assign_entitlement twice":     `account "user-0", entitlement "admin": noop, then noop`,
		"writes: unassign_entitlement twice":   `account "user-0", entitlement "billing": noop, then noop`,
	}
	for name, summary := range want {
		if res, ok := report.Result(name); !ok || res.Status != conformance.Pass || res.Summary != summary {
			t.Errorf("%s: %+v, want a pass: %s", name, res, summary)
		}
	}
	for _, name := range []string{"info", "schemas", "app_info"} {
		if res, _ := report.Result(name); !strings.HasSuffix(res.Summary, "(full JSON Schema validation)") && !strings.HasSuffix(res.Summary, "(full validation)") {
			t.Errorf("%s is not fully validated: %s", name, res.Summary)
		}
	}
	// Only list_custom_attributes_schema, which is not paged, has no token to
	// tamper with or to resume from with smaller pages.
	for _, res := range report.Checks {
		if res.Status == conformance.Skip && !strings.HasPrefix(res.Name, "list_custom_attributes_schema: ") {
			t.Errorf("%s skipped: %s", res.Name, res.Summary)
		}
	}
}

// The default write round trip (assign what the account lacks, twice) shows
// that the mock's writes do not persist: the second assign is created again.
func TestConformanceRoundTripSeesTheMockIsStateless(t *testing.T) {
	t.Parallel()
	report := connectortest.Check(t.Context(), mock.Integration(), connectortest.Options{
		Request: mockCalls, AllowWrites: true, Skip: []string{"hostile envelopes"},
	})
	assign, _ := report.Result("writes: assign_entitlement twice")
	if assign.Status != conformance.Fail || assign.Summary != `account "user-0", entitlement "member" on "team-0" (not held): created, then created` ||
		len(assign.Problems) != 1 || !strings.Contains(assign.Problems[0], "use StatelessWrites") {
		t.Errorf("assign: %+v", assign)
	}
	// Unassigning what the stateless tenant never granted is a noop both times.
	if unassign, _ := report.Result("writes: unassign_entitlement twice"); unassign.Status != conformance.Pass ||
		unassign.Summary != `account "user-0", entitlement "member" on "team-0" (just assigned): noop, then noop` {
		t.Errorf("unassign: %+v", unassign)
	}
	if report.Failed != 1 {
		t.Errorf("%d checks failed, want only the assign:\n%s", report.Failed, report.Text())
	}
}

// A large tenant is drained within the suite's bounds, which the report names.
func TestConformanceBoundsOnALargeTenant(t *testing.T) {
	t.Parallel()
	report := connectortest.Check(t.Context(), mock.Integration(), connectortest.Options{
		Request:  `{"auth":{"basic":{"username":"foo","password":"bar"}},"settings":{"host":"h","tenant_size":10000000}}`,
		PageSize: 500, MaxItems: 1000, Skip: []string{"hostile envelopes", "info", "schemas", "app_info"},
	})
	if !report.OK() {
		t.Fatalf("the suite fails:\n%s", report.Text())
	}
	res, _ := report.Result("list_accounts: drain")
	if res.Summary != "1000 items in 2 pages, not to the end (see note); no repeated token; no duplicate id (integration_specific_id)" ||
		len(res.Notes) != 1 || res.Notes[0] != "stopped after 1000 items (the MaxItems bound); the rest was not read" {
		t.Errorf("list_accounts: drain: %+v", res)
	}
}
