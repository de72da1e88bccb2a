package conformance

import (
	"fmt"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// Names of the write checks.
const (
	assignCheck   = "writes: assign_entitlement twice"
	unassignCheck = "writes: unassign_entitlement twice"
)

// grant is an account and an entitlement, as the write payloads name them.
type grant struct {
	ref   toolkit.EntitlementRef
	label string // for the report
}

func (g grant) assignPayload() toolkit.AssignEntitlement {
	return toolkit.AssignEntitlement{EntitlementGrant: g.ref.Grant()}
}

func (g grant) unassignPayload() toolkit.UnassignEntitlement {
	return toolkit.UnassignEntitlement{EntitlementRevocation: g.ref.Revocation()}
}

// entKey identifies an entitlement: its id and its resource's id.
type entKey struct{ id, resource string }

// writeChecks runs the write checks, when allowed.
func (r *runner) writeChecks() {
	hasAssign, hasUnassign := r.has(toolkit.CapAssignEntitlement.Name()), r.has(toolkit.CapUnassignEntitlement.Name())
	skipBoth := func(why string) {
		r.add(Result{Name: assignCheck, Status: Skip, Summary: why})
		r.add(Result{Name: unassignCheck, Status: Skip, Summary: why})
	}
	switch {
	case r.skipped("writes:", "") || (r.skipped(assignCheck, toolkit.CapAssignEntitlement.Name()) && r.skipped(unassignCheck, toolkit.CapUnassignEntitlement.Name())):
		skipBoth("skipped by Options.Skip")
		return
	case !r.opts.AllowWrites:
		skipBoth("writes are not allowed (Options.AllowWrites, --allow-writes)")
		return
	case !hasAssign && !hasUnassign:
		skipBoth("the connector registers neither assign_entitlement nor unassign_entitlement")
		return
	case r.spent():
		r.report.BudgetSpent = true
		skipBoth("not run: " + r.budgetText())
		return
	case r.credentialsFailed:
		skipBoth(skippedForCredentials)
		return
	}
	start := time.Now()
	if hasAssign && hasUnassign && !r.opts.StatelessWrites {
		a, u := r.roundTrip()
		a.Duration, u.Duration = Duration(time.Since(start)), Duration(time.Since(start))
		r.add(a)
		r.add(u)
		return
	}
	note := ""
	if !r.opts.StatelessWrites {
		note = "the round trip needs both assign_entitlement and unassign_entitlement, so the call is made on a grant whose state already matches"
	}
	for _, w := range []struct {
		name       string
		capability toolkit.CapabilityName
		has        bool
		held       bool
	}{{assignCheck, toolkit.CapAssignEntitlement.Name(), hasAssign, true}, {unassignCheck, toolkit.CapUnassignEntitlement.Name(), hasUnassign, false}} {
		r.step(w.name, w.capability, func() Result {
			if !w.has {
				return Result{Status: Skip, Summary: "the connector does not register " + string(w.capability)}
			}
			g, why := r.pickGrant(w.held, false)
			if g == nil {
				return Result{Status: Skip, Summary: "no grant to test: " + why}
			}
			var payload any = g.assignPayload()
			if !w.held {
				payload = g.unassignPayload()
			}
			first, firstErr := r.write(w.capability, payload)
			second, secondErr := r.write(w.capability, payload)
			res := Result{Status: Pass, Summary: fmt.Sprintf("%s: %s, then %s", g.label, first, second)}
			if note != "" {
				res.Notes = append(res.Notes, note)
			}
			if firstErr != "" {
				res.Problems = append(res.Problems, "the first call: "+firstErr)
			}
			if secondErr != "" {
				res.Problems = append(res.Problems, "the second call: "+secondErr)
			} else if second != string(toolkit.EffectNoop) {
				res.Problems = append(res.Problems, fmt.Sprintf("the second call's effect is %s, want noop: the state already matched", second))
			}
			if len(res.Problems) > 0 {
				res.Status = Fail
			}
			return res
		})
	}
}

// roundTrip assigns an entitlement the account does not hold twice, then
// unassigns it twice; each second call must be a noop.
func (r *runner) roundTrip() (assign, unassign Result) {
	assign, unassign = Result{Name: assignCheck}, Result{Name: unassignCheck}
	if r.skipped(assignCheck, toolkit.CapAssignEntitlement.Name()) || r.skipped(unassignCheck, toolkit.CapUnassignEntitlement.Name()) {
		assign.Status, assign.Summary = Skip, "skipped by Options.Skip (the round trip needs both writes)"
		unassign.Status, unassign.Summary = Skip, assign.Summary
		return
	}
	g, why := r.pickGrant(false, true)
	if g == nil {
		assign.Status, assign.Summary = Skip, "no grant to test: "+why
		unassign.Status, unassign.Summary = Skip, assign.Summary
		return
	}
	a1, a1Err := r.write(toolkit.CapAssignEntitlement.Name(), g.assignPayload())
	if a1Err != "" {
		assign.Status, assign.Summary = Fail, g.label+": the first assign_entitlement failed"
		assign.Problems = []string{a1Err}
		unassign.Status, unassign.Summary = Skip, "not run: the assign_entitlement before it failed"
		return
	}
	a2, a2Err := r.write(toolkit.CapAssignEntitlement.Name(), g.assignPayload())
	u1, u1Err := r.write(toolkit.CapUnassignEntitlement.Name(), g.unassignPayload())
	u2, u2Err := r.write(toolkit.CapUnassignEntitlement.Name(), g.unassignPayload())

	assign.Status, assign.Summary = Pass, fmt.Sprintf("%s (not held): %s, then %s", g.label, a1, a2)
	switch {
	case a2Err != "":
		assign.Problems = append(assign.Problems, "the second call: "+a2Err)
	case a2 != string(toolkit.EffectNoop):
		p := fmt.Sprintf("the second call's effect is %s, want noop", a2)
		if a1 == a2 {
			p += "; the first call's change did not show: for a connector whose writes do not persist (like the mock) use StatelessWrites (--stateless-writes)"
		}
		assign.Problems = append(assign.Problems, p)
	}
	unassign.Status, unassign.Summary = Pass, fmt.Sprintf("%s (just assigned): %s, then %s", g.label, u1, u2)
	switch {
	case u1Err != "":
		unassign.Problems = append(unassign.Problems, "the first call: "+u1Err+
			"; the entitlement the suite assigned may still be held: remove it by hand")
	case u2Err != "":
		unassign.Problems = append(unassign.Problems, "the second call: "+u2Err)
	case u2 != string(toolkit.EffectNoop):
		unassign.Problems = append(unassign.Problems, fmt.Sprintf("the second call's effect is %s, want noop", u2))
	}
	if u1Err == "" {
		unassign.Notes = append(unassign.Notes, "the tenant is left as it was found")
	}
	for _, res := range []*Result{&assign, &unassign} {
		if len(res.Problems) > 0 {
			res.Status = Fail
		}
	}
	return
}

// write calls a write capability and returns its effect kind, or why it failed.
func (r *runner) write(name toolkit.CapabilityName, payload any) (effect, problem string) {
	a, err := r.call(name, payload, nil)
	switch {
	case err != nil:
		return "no answer", err.Error()
	case a.IsError:
		return "error", string(name) + " failed: " + a.failure()
	case a.ExecutionSummary == nil:
		return "no execution summary", string(name) + " reports no execution_summary, so its effect is unknown; report it with toolkit.Summarize"
	}
	if validate := r.schemas.of(name); validate != nil {
		if err := validate(a.raw); err != nil {
			return string(a.ExecutionSummary.Effect.Kind), "the answer does not match the response schema: " + schemaError(err)
		}
	}
	return string(a.ExecutionSummary.Effect.Kind), ""
}

// pickGrant picks, from the listings, an account and an assignable
// entitlement the account holds (held) or does not hold. With free, the
// entitlement's type must have no maximum, so assigning it cannot displace
// another (e.g. a second tenant role replacing the first).
func (r *runner) pickGrant(held, free bool) (*grant, string) {
	accounts := r.listings[toolkit.CapListAccounts.Name()]
	ents := r.listings[toolkit.CapListEntitlements.Name()]
	switch {
	case accounts == nil || len(accounts.items) == 0:
		return nil, "list_accounts listed no account"
	case ents == nil || len(ents.items) == 0:
		return nil, "list_entitlements listed no entitlement"
	}
	cat := r.grantCatalog()
	candidates := cat.assignable(ents.items, free)
	if len(candidates) == 0 {
		if free {
			return nil, "no assignable entitlement of a type without a maximum"
		}
		return nil, "no assignable entitlement"
	}
	why := "no account holds one of the assignable entitlements"
	if !held {
		why = "every account holds every assignable entitlement"
	}
	for _, a := range activeFirst(accounts.items, maxGrantAccounts) {
		id := str(a, "integration_specific_id")
		holds, reason := r.heldBy(id)
		if holds == nil {
			return nil, reason
		}
		for _, e := range candidates {
			if holds[entKeyOf(e)] == held {
				return cat.grant(id, e), ""
			}
		}
	}
	return nil, why
}

// maxGrantAccounts bounds the accounts pickGrant asks about.
const maxGrantAccounts = 20

// grantCatalog is what pickGrant knows of entitlement types and resources.
type grantCatalog struct {
	types         map[string]toolkit.EntitlementType // by type id, as declared
	resourceTypes map[string]string                  // resource id → its type, as listed
}

// grantCatalog reads the declared entitlement types and the listed resources.
func (r *runner) grantCatalog() grantCatalog {
	cat := grantCatalog{types: map[string]toolkit.EntitlementType{}, resourceTypes: map[string]string{}}
	for _, et := range r.in.Declaration().EntitlementTypes {
		cat.types[et.TypeID] = et
	}
	if res := r.listings[toolkit.CapListResources.Name()]; res != nil {
		for _, it := range res.items {
			cat.resourceTypes[str(it, "integration_specific_id")] = str(it, "resource_type")
		}
	}
	return cat
}

// assignable returns the listed entitlements that are assignable and, with
// free, of a type without a maximum.
func (cat grantCatalog) assignable(ents []map[string]any, free bool) []map[string]any {
	var out []map[string]any
	for _, e := range ents {
		if b, ok := e["is_assignable"].(bool); ok && !b {
			continue
		}
		if et, ok := cat.types[str(e, "entitlement_type")]; free && ok && et.Max != nil {
			continue
		}
		out = append(out, e)
	}
	return out
}

// grant names the listed entitlement e of the account; the resource type is
// the listed resource's, else the entitlement type's.
func (cat grantCatalog) grant(account string, e map[string]any) *grant {
	k := entKeyOf(e)
	rt, ok := cat.resourceTypes[k.resource]
	if !ok {
		rt = cat.types[str(e, "entitlement_type")].ResourceTypeID
	}
	label := fmt.Sprintf("account %q, entitlement %q", account, k.id)
	if k.resource != "" {
		label += fmt.Sprintf(" on %q", k.resource)
	}
	ref := toolkit.EntitlementRef{AccountID: account, ResourceType: rt, ResourceID: k.resource,
		EntitlementType: str(e, "entitlement_type"), EntitlementID: k.id}
	return &grant{ref: ref, label: label}
}

// entKeyOf identifies a listed entitlement.
func entKeyOf(e map[string]any) entKey {
	return entKey{str(e, "integration_specific_id"), str(e, "integration_specific_resource_id")}
}

// activeFirst returns up to n accounts, the active ones first, each group in
// listing order.
func activeFirst(accounts []map[string]any, n int) []map[string]any {
	var order []map[string]any
	for _, active := range []bool{true, false} {
		for _, a := range accounts {
			if (str(a, "user_status") == string(toolkit.AccountStatusActive)) == active {
				order = append(order, a)
			}
		}
	}
	return order[:min(n, len(order))]
}

// heldBy returns the entitlements an account holds, from
// get_account_entitlement_associations, else from a complete
// find_entitlement_associations listing; nil and why when neither can tell.
func (r *runner) heldBy(account string) (map[entKey]bool, string) {
	out := map[entKey]bool{}
	if r.has(toolkit.CapGetAccountEntitlementAssociations.Name()) {
		var page *toolkit.Page
		for pages := 0; pages < r.opts.MaxPages; pages++ {
			a, err := r.call(toolkit.CapGetAccountEntitlementAssociations.Name(), map[string]any{"account_id": account}, page)
			if err != nil {
				return nil, "get_account_entitlement_associations: " + err.Error()
			}
			if a.IsError {
				return nil, "get_account_entitlement_associations failed: " + a.failure()
			}
			items, err := decodeItems(a.Response)
			if err != nil {
				return nil, "get_account_entitlement_associations: " + err.Error()
			}
			for _, it := range items {
				out[entKey{str(it, "integration_specific_entitlement_id"), str(it, "integration_specific_resource_id")}] = true
			}
			if a.Page == nil || a.Page.Token == "" {
				return out, ""
			}
			page = a.Page
		}
		return nil, "get_account_entitlement_associations did not end within MaxPages"
	}
	l := r.listings[toolkit.CapFindEntitlementAssociations.Name()]
	if l == nil || !l.complete || len(l.items) < l.total {
		return nil, "telling which entitlements an account holds needs get_account_entitlement_associations or a complete find_entitlement_associations listing"
	}
	for _, it := range l.items {
		if str(it, "account_id") == account {
			out[entKey{str(it, "integration_specific_entitlement_id"), str(it, "integration_specific_resource_id")}] = true
		}
	}
	return out, ""
}
