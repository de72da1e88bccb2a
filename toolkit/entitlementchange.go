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
	must(in.add(CapAssignEntitlement.spec, change == nil, func() boundHandler {
		h := bind(func(ctx context.Context, req AssignEntitlementRequest) (AssignEntitlementResponse, error) {
			sum, err := summarizeChange(ctx, change, withPayload(req, req.Request.Ref()), true, req.Request)
			if err != nil {
				return AssignEntitlementResponse{}, err
			}
			return AssignEntitlementResponse{Response: AssignedEntitlement{Assigned: true}, ExecutionSummary: sum}, nil
		})
		h.pc = pc
		return h
	}, assign))
	must(in.add(CapUnassignEntitlement.spec, change == nil, func() boundHandler {
		h := bind(func(ctx context.Context, req UnassignEntitlementRequest) (UnassignEntitlementResponse, error) {
			sum, err := summarizeChange(ctx, change, withPayload(req, req.Request.Ref()), false, req.Request)
			if err != nil {
				return UnassignEntitlementResponse{}, err
			}
			return UnassignEntitlementResponse{Response: UnassignedEntitlement{Unassigned: true}, ExecutionSummary: sum}, nil
		})
		h.pc = pc
		return h
	}, unassign))
}

func summarizeChange(ctx context.Context, change EntitlementChanger, req Request[EntitlementRef], grant bool, payload any) (*ExecutionSummary, error) {
	effect, err := change(ctx, EntitlementChange{Request: req, Grant: grant})
	if err != nil {
		return nil, err
	}
	return Summarize(payload, effect, true)
}

// withPayload is r's envelope around another payload.
func withPayload[P, Q any](r Request[P], q Q) Request[Q] {
	return Request[Q]{Auth: r.Auth, Credentials: r.Credentials, Request: q, IncludeRawData: r.IncludeRawData, Page: r.Page, Settings: r.Settings}
}
