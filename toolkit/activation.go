package toolkit

import (
	"context"
	"reflect"
)

// AccountRef names the account of an activation change.
type AccountRef struct {
	// AccountID is the account's integration-specific id.
	AccountID string
}

// AccountActivation is an activate_account or deactivate_account call seen
// one way: the request envelope (credentials, settings) with the account
// as its payload, and whether the account is to be turned on (activate) or
// off (deactivate).
type AccountActivation struct {
	Request[AccountRef]
	Activate bool
}

// AccountActivator turns the account of a change on or off and reports the
// effect (Updated, or Noop when it already was) and the account's status
// afterwards.
type AccountActivator func(ctx context.Context, change AccountActivation) (Effect, AccountStatus, error)

// HandleAccountActivation registers change as both activate_account and
// deactivate_account: each answers the status change returned, activated
// (or deactivated) true, and an execution summary of the effect and the
// payload's fingerprint (such writes are idempotent). activate and
// deactivate are the options of each capability, e.g. its description.
// Errors name change's package in raised_in, as a handler of its own
// would. It panics as Handle does.
func HandleAccountActivation(in *Integration, change AccountActivator, activate, deactivate []CapabilityOption) {
	pc := reflect.ValueOf(change).Pointer()
	register := func(spec *capSpec, h boundHandler, opts []CapabilityOption) {
		must(in.add(spec, change == nil, func() boundHandler { h.pc = pc; return h }, opts))
	}
	register(CapActivateAccount.spec, bind(activationHandler[ActivateAccount](change, true, func(s AccountStatus) ActivatedAccount {
		return ActivatedAccount{Status: s, Activated: true}
	})), activate)
	register(CapDeactivateAccount.spec, bind(activationHandler[DeactivateAccount](change, false, func(s AccountStatus) DeactivatedAccount {
		return DeactivatedAccount{Status: s, Deactivated: true}
	})), deactivate)
}

// activationHandler is the handler of one direction of change: it runs
// change on the payload's account and answers result with the execution
// summary.
func activationHandler[P interface{ account() string }, R any](change AccountActivator, activate bool, result func(AccountStatus) R) func(context.Context, Request[P]) (Response[R], error) {
	return func(ctx context.Context, req Request[P]) (Response[R], error) {
		effect, status, err := change(ctx, AccountActivation{Request: withPayload(req, AccountRef{AccountID: req.Request.account()}), Activate: activate})
		if err != nil {
			return Response[R]{}, err
		}
		sum, err := Summarize(req.Request, effect, true)
		if err != nil {
			return Response[R]{}, err
		}
		return Response[R]{Response: result(status), ExecutionSummary: sum}, nil
	}
}

func (a ActivateAccount) account() string   { return a.AccountID }
func (d DeactivateAccount) account() string { return d.AccountID }
