package toolkit

import (
	"context"
	"reflect"
)

// EntitlementChange is an assign_entitlement or unassign_entitlement call
// seen one way: the request envelope (credentials, settings) with the
// entitlement reference as its payload, and whether the entitlement is to
// be granted (assign) or revoked (unassign).
type EntitlementChange struct {
	Request[EntitlementRef]
	Grant bool
}

// EntitlementChanger grants or revokes the entitlement of a change and
// reports the effect: Created or Deleted, or Noop when the account already
// held (or did not hold) it.
type EntitlementChanger func(ctx context.Context, change EntitlementChange) (Effect, error)

// HandleEntitlementChanges registers change as both assign_entitlement and
// unassign_entitlement: each answers assigned (or unassigned) with an
// execution summary of the effect and the payload's fingerprint (such
// writes are idempotent). assign and unassign are the options of each
// capability, e.g. its description. Errors name change's package in
// raised_in, as a handler of its own would. It panics as Handle does.
func HandleEntitlementChanges(in *Integration, change EntitlementChanger, assign, unassign []CapabilityOption) {
	pc := reflect.ValueOf(change).Pointer()
	register := func(spec *capSpec, h boundHandler, opts []CapabilityOption) {
		must(in.add(spec, change == nil, func() boundHandler { h.pc = pc; return h }, opts))
	}
	register(CapAssignEntitlement.spec, bind(changeHandler[AssignEntitlement](change, true, AssignedEntitlement{Assigned: true})), assign)
	register(CapUnassignEntitlement.spec, bind(changeHandler[UnassignEntitlement](change, false, UnassignedEntitlement{Unassigned: true})), unassign)
}

// changeHandler is the handler of one direction of change: it runs change
// on the payload's reference and answers result with the execution summary.
func changeHandler[P interface{ Ref() EntitlementRef }, R any](change EntitlementChanger, grant bool, result R) func(context.Context, Request[P]) (Response[R], error) {
	return func(ctx context.Context, req Request[P]) (Response[R], error) {
		effect, err := change(ctx, EntitlementChange{Request: withPayload(req, req.Request.Ref()), Grant: grant})
		if err != nil {
			return Response[R]{}, err
		}
		sum, err := Summarize(req.Request, effect, true)
		if err != nil {
			return Response[R]{}, err
		}
		return Response[R]{Response: result, ExecutionSummary: sum}, nil
	}
}

// withPayload is r's envelope around another payload.
func withPayload[P, Q any](r Request[P], q Q) Request[Q] {
	return Request[Q]{Auth: r.Auth, Credentials: r.Credentials, Request: q, IncludeRawData: r.IncludeRawData, Page: r.Page, Settings: r.Settings}
}
