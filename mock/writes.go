package mock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// The write capabilities. The mock is stateless: a write is answered as if
// applied to the synthetic tenant as the read capabilities report it, and
// nothing persists, so every process starts from the same tenant and the
// same call always gets the same answer. Unknown ids are not_found, naming
// what is missing. A write whose target state already holds in the tenant is
// a noop (effect noop, reason state_already_matches). Every write answers
// with an execution summary: its effect, toolkit.Fingerprint of its payload
// and is_idempotent true (repeating any of them changes nothing more).

// written is the response of a write: its result and execution summary.
func written[R any](payload any, result R, effect toolkit.Effect) (toolkit.Response[R], error) {
	sum, err := toolkit.Summarize(payload, effect, true)
	if err != nil {
		return toolkit.Response[R]{}, err
	}
	return toolkit.Response[R]{Response: result, ExecutionSummary: sum}, nil
}

// effect is change, or a noop when the state already matches.
func effect(alreadyMatches bool, change toolkit.Effect) toolkit.Effect {
	if alreadyMatches {
		return toolkit.Noop()
	}
	return change
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// changeEntitlement is assign_entitlement (grant) and unassign_entitlement
// (see toolkit.HandleEntitlementChanges). The account, the resource (of the
// given type) and the entitlement (of the given type, on that resource)
// must exist, else not_found. Granting what the account holds, or revoking
// what it does not hold, is a noop; the answer is assigned (unassigned)
// either way. The tenant role's max of 1 is not enforced: granting a second
// role is reported as created.
func changeEntitlement(_ context.Context, c toolkit.EntitlementChange) (toolkit.Effect, error) {
	ref := c.Request.Request
	t, err := tenantOf(c.Settings)
	if err != nil {
		return toolkit.Effect{}, err
	}
	i, err := t.findAccount(ref.AccountID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if err := t.checkEntitlement(&ref.ResourceType, ref.ResourceID, ref.EntitlementType, ref.EntitlementID); err != nil {
		return toolkit.Effect{}, err
	}
	held := t.holds(i, ref.EntitlementID, ref.ResourceID)
	if c.Grant {
		return effect(held, toolkit.Created()), nil
	}
	return effect(!held, toolkit.Deleted()), nil
}

// NewAccountIDPrefix starts the id of every account create_account makes;
// the tenant's own accounts are "user-<n>", so the two never collide.
const NewAccountIDPrefix = "acct-"

// newAccountID derives a new account's id from its e-mail, else its
// username, ignoring case: the same person always gets the same id.
func newAccountID(email, user string) string {
	key := "username:" + strings.ToLower(user)
	if email != "" {
		key = "email:" + strings.ToLower(email)
	}
	sum := sha256.Sum256([]byte(key))
	return NewAccountIDPrefix + hex.EncodeToString(sum[:8])
}

// initialStatus is the status create_account gives: ACTIVE unless
// user_status asks for pending.
func initialStatus(s *string) (toolkit.AccountStatus, error) {
	switch strings.ToLower(deref(s)) {
	case "", "active":
		return toolkit.AccountStatusActive, nil
	case "pending":
		return toolkit.AccountStatusPending, nil
	}
	return "", errs.Newf(errs.InvalidValue, "Invalid user_status '%s': the mock creates accounts active or pending", *s)
}

// existingAccount finds the tenant account with the e-mail or username.
func (t tenant) existingAccount(email, user string) (int64, bool, error) {
	var ie, iu int64
	var byEmail, byUser bool
	if email != "" {
		ie, byEmail = t.accountByEmail(email)
	}
	if user != "" {
		iu, byUser = t.accountByUsername(user)
	}
	switch {
	case byEmail && byUser && ie != iu:
		return 0, false, &errs.Error{Code: errs.InvalidValue, AppErrorCode: "account_exists",
			Message: fmt.Sprintf("The email '%s' belongs to account '%s' and the username '%s' to account '%s'",
				email, accountID(ie), user, accountID(iu))}
	case byEmail:
		return ie, true, nil
	case byUser:
		return iu, true, nil
	}
	return 0, false, nil
}

// createAccount creates an account. Its payload is toolkit.CreateAccount,
// the SDK's usual extension of the standard CreatableAccount (email,
// username, given_name, family_name, user_status, entitlements).
//
//   - An email or a username is required (bad_request without either); an
//     email must contain "@" (invalid_value).
//   - user_status "active" (the default) or "pending", in any case, gives
//     the status ACTIVE or PENDING; anything else is invalid_value.
//   - Every entitlement listed must exist (not_found, naming it). The
//     entitlement types' min and max are not enforced.
//   - When the email or username is an existing tenant account's (ignoring
//     case) and every field given matches it (user_status only when given)
//     and it holds every entitlement listed, the call is a noop answering the
//     existing id, its status and created: false. Any difference is an
//     invalid_value error with app_error_code "account_exists": the mock
//     never makes a duplicate nor changes the existing account.
//   - Otherwise the account is created with the id NewAccountIDPrefix + 16
//     hex digits derived from the email, else the username (so the same
//     request always answers the same id), and created: true.
func createAccount(_ context.Context, req toolkit.Request[toolkit.CreateAccount]) (toolkit.CreateAccountResponse, error) {
	p := req.Request
	fail := func(err error) (toolkit.CreateAccountResponse, error) { return toolkit.CreateAccountResponse{}, err }
	t, err := tenantOf(req.Settings)
	if err != nil {
		return fail(err)
	}
	email, user := deref(p.Email), deref(p.Username)
	if email == "" && user == "" {
		return fail(errs.New(errs.BadRequest, "create_account needs an email or a username to identify the new account"))
	}
	if email != "" && !strings.Contains(email, "@") {
		return fail(errs.Newf(errs.InvalidValue, "Invalid email '%s'", email))
	}
	st, err := initialStatus(p.UserStatus)
	if err != nil {
		return fail(err)
	}
	for _, e := range p.Entitlements {
		if err := t.checkEntitlement(nil, deref(e.IntegrationSpecificResourceID), e.EntitlementType, e.IntegrationSpecificID); err != nil {
			return fail(err)
		}
	}
	i, exists, err := t.existingAccount(email, user)
	if err != nil {
		return fail(err)
	}
	if !exists {
		return written(p, toolkit.CreatedAccount{ID: toolkit.Ptr(newAccountID(email, user)), Status: st, Created: true}, toolkit.Created())
	}
	a := t.account(i, nil)
	var diff []string
	if email != "" && !strings.EqualFold(email, *a.Email) {
		diff = append(diff, "email")
	}
	if user != "" && !strings.EqualFold(user, *a.Username) {
		diff = append(diff, "username")
	}
	if p.GivenName != nil && *p.GivenName != *a.GivenName {
		diff = append(diff, "given_name")
	}
	if p.FamilyName != nil && *p.FamilyName != *a.FamilyName {
		diff = append(diff, "family_name")
	}
	if p.UserStatus != nil && *p.UserStatus != "" && st != *a.UserStatus {
		diff = append(diff, "user_status")
	}
	for _, e := range p.Entitlements {
		if !t.holds(i, e.IntegrationSpecificID, deref(e.IntegrationSpecificResourceID)) {
			diff = append(diff, "entitlements")
			break
		}
	}
	if len(diff) > 0 {
		return fail(&errs.Error{Code: errs.InvalidValue, AppErrorCode: "account_exists",
			Message: fmt.Sprintf("Account '%s' already has this email or username and differs in %s; use update_account, activate_account or assign_entitlement to change it",
				a.IntegrationSpecificID, strings.Join(diff, ", "))})
	}
	return written(p, toolkit.CreatedAccount{ID: &a.IntegrationSpecificID, Status: *a.UserStatus, Created: false}, toolkit.Noop())
}

// AccountUpdate is the mock's update_account payload and result: the
// standard UpdateableAccount (the account's id) extended with the fields the
// mock can change. A field left out or null stays as it is. The result is
// the whole account after the update.
type AccountUpdate struct {
	toolkit.UpdateableAccount
	Email      *string `json:"email" description:"New e-mail address; it must contain @ and not be another account's."`
	Username   *string `json:"username" description:"New username; it must not be another account's."`
	GivenName  *string `json:"given_name" description:"New given name of the account holder."`
	FamilyName *string `json:"family_name" description:"New family name of the account holder."`
}

// updateAccount changes an account's fields. An unknown id is not_found;
// an empty value, an email without "@", or an email or username of another
// tenant account is invalid_value. When every field given already has its
// value the call is a noop, else it is updated.
func updateAccount(_ context.Context, req toolkit.Request[AccountUpdate]) (toolkit.Response[AccountUpdate], error) {
	p := req.Request
	fail := func(err error) (toolkit.Response[AccountUpdate], error) {
		return toolkit.Response[AccountUpdate]{}, err
	}
	t, err := tenantOf(req.Settings)
	if err != nil {
		return fail(err)
	}
	i, err := t.findAccount(p.ID)
	if err != nil {
		return fail(err)
	}
	a := t.account(i, nil)
	out := AccountUpdate{UpdateableAccount: toolkit.UpdateableAccount{ID: p.ID},
		Email: a.Email, Username: a.Username, GivenName: a.GivenName, FamilyName: a.FamilyName}
	changed := false
	for _, f := range []struct {
		name      string
		want, cur *string
		field     **string
		owner     func(string) (int64, bool)
	}{
		{"email", p.Email, a.Email, &out.Email, t.accountByEmail},
		{"username", p.Username, a.Username, &out.Username, t.accountByUsername},
		{"given_name", p.GivenName, a.GivenName, &out.GivenName, nil},
		{"family_name", p.FamilyName, a.FamilyName, &out.FamilyName, nil},
	} {
		if f.want == nil {
			continue
		}
		v := *f.want
		switch {
		case v == "":
			return fail(errs.Newf(errs.InvalidValue, "Invalid %s: it cannot be empty", f.name))
		case f.name == "email" && !strings.Contains(v, "@"):
			return fail(errs.Newf(errs.InvalidValue, "Invalid email '%s'", v))
		}
		if f.owner != nil {
			if j, taken := f.owner(v); taken && j != i {
				return fail(&errs.Error{Code: errs.InvalidValue, AppErrorCode: "already_taken",
					Message: fmt.Sprintf("The %s '%s' belongs to account '%s'", f.name, v, accountID(j))})
			}
		}
		if v != *f.cur {
			changed = true
			*f.field = toolkit.Ptr(v)
		}
	}
	return written(p, out, effect(!changed, toolkit.Updated()))
}

// activateAccount turns an account on: ACTIVE already is a noop, DELETED
// cannot come back (invalid_value), any other status becomes ACTIVE.
func activateAccount(_ context.Context, req toolkit.ActivateAccountRequest) (toolkit.ActivateAccountResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ActivateAccountResponse{}, err
	}
	i, err := t.findAccount(req.Request.AccountID)
	if err != nil {
		return toolkit.ActivateAccountResponse{}, err
	}
	switch status(i) {
	case toolkit.AccountStatusDeleted:
		return toolkit.ActivateAccountResponse{}, errs.Newf(errs.InvalidValue, "Account '%s' is deleted and cannot be activated", req.Request.AccountID)
	case toolkit.AccountStatusActive:
		return written(req.Request, toolkit.ActivatedAccount{Status: toolkit.AccountStatusActive, Activated: true}, toolkit.Noop())
	}
	return written(req.Request, toolkit.ActivatedAccount{Status: toolkit.AccountStatusActive, Activated: true}, toolkit.Updated())
}

// deactivateAccount turns an account off: an account that is already off
// (INACTIVE, SUSPENDED, DEPROVISIONED or DELETED) is a noop answering its
// status; an ACTIVE or PENDING one becomes INACTIVE.
func deactivateAccount(_ context.Context, req toolkit.DeactivateAccountRequest) (toolkit.DeactivateAccountResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.DeactivateAccountResponse{}, err
	}
	i, err := t.findAccount(req.Request.AccountID)
	if err != nil {
		return toolkit.DeactivateAccountResponse{}, err
	}
	switch s := status(i); s {
	case toolkit.AccountStatusActive, toolkit.AccountStatusPending:
		return written(req.Request, toolkit.DeactivatedAccount{Status: toolkit.AccountStatusInactive, Deactivated: true}, toolkit.Updated())
	default:
		return written(req.Request, toolkit.DeactivatedAccount{Status: s, Deactivated: true}, toolkit.Noop())
	}
}

// deleteAccount removes an account: a DELETED account is a noop, any
// other becomes DELETED.
func deleteAccount(_ context.Context, req toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	i, err := t.findAccount(req.Request.AccountID)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	gone := status(i) == toolkit.AccountStatusDeleted
	return written(req.Request, toolkit.DeletedAccount{Status: toolkit.AccountStatusDeleted, Deleted: true}, effect(gone, toolkit.Deleted()))
}

// transferData moves one account's data to another. Either account
// unknown is not_found (naming it); a DELETED target is invalid_value.
// The same account as source and target, or a PENDING source (it never
// signed in, so it has no data), is a noop with a reason; otherwise the
// target is updated. success is true whenever there is no error.
func transferData(_ context.Context, req toolkit.TransferDataRequest) (toolkit.TransferDataResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.TransferDataResponse{}, err
	}
	src, err := t.findAccount(p.SourceAccountID)
	if err != nil {
		return toolkit.TransferDataResponse{}, err
	}
	dst, err := t.findAccount(p.TargetAccountID)
	if err != nil {
		return toolkit.TransferDataResponse{}, err
	}
	switch {
	case src == dst:
		return written(p, toolkit.TransferDataStatus{Success: true,
			Reason: toolkit.Ptr("The source and the target are the same account; there is nothing to move.")}, toolkit.Noop())
	case status(dst) == toolkit.AccountStatusDeleted:
		return toolkit.TransferDataResponse{}, errs.Newf(errs.InvalidValue, "Account '%s' is deleted and cannot receive data", p.TargetAccountID)
	case status(src) == toolkit.AccountStatusPending:
		return written(p, toolkit.TransferDataStatus{Success: true,
			Reason: toolkit.Ptr(fmt.Sprintf("Account '%s' never signed in and has no data to move.", p.SourceAccountID))}, toolkit.Noop())
	}
	return written(p, toolkit.TransferDataStatus{Success: true}, toolkit.Updated())
}

// holdsNothing reports whether account i is past holding resources and licenses.
func holdsNothing(i int64) (toolkit.AccountStatus, bool) {
	s := status(i)
	return s, s == toolkit.AccountStatusDeleted || s == toolkit.AccountStatusDeprovisioned
}

// releaseResources frees an account's seat and storage: a DELETED or
// DEPROVISIONED account holds none, a noop with a reason; any other
// account is updated.
func releaseResources(_ context.Context, req toolkit.ReleaseResourcesRequest) (toolkit.ReleaseResourcesResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ReleaseResourcesResponse{}, err
	}
	i, err := t.findAccount(req.Request.AccountID)
	if err != nil {
		return toolkit.ReleaseResourcesResponse{}, err
	}
	if s, none := holdsNothing(i); none {
		return written(req.Request, toolkit.ReleaseResourcesStatus{Success: true,
			Reason: toolkit.Ptr(fmt.Sprintf("Account '%s' is %s and holds no resources.", req.Request.AccountID, s))}, toolkit.Noop())
	}
	return written(req.Request, toolkit.ReleaseResourcesStatus{Success: true}, toolkit.Updated())
}

// downgradeLicense moves an account to the basic license. Admins and
// billing managers hold the full license, members the basic one: a member,
// or a DELETED or DEPROVISIONED account (no license), is a noop with a
// reason; an admin or billing manager is updated.
func downgradeLicense(_ context.Context, req toolkit.DowngradeLicenseRequest) (toolkit.DowngradeLicenseResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.DowngradeLicenseResponse{}, err
	}
	id := req.Request.AccountID
	i, err := t.findAccount(id)
	if err != nil {
		return toolkit.DowngradeLicenseResponse{}, err
	}
	if s, none := holdsNothing(i); none {
		return written(req.Request, toolkit.DowngradedLicense{Success: true,
			Reason: toolkit.Ptr(fmt.Sprintf("Account '%s' is %s and holds no license.", id, s))}, toolkit.Noop())
	}
	if t.role(i) == "member" {
		return written(req.Request, toolkit.DowngradedLicense{Success: true,
			Reason: toolkit.Ptr(fmt.Sprintf("Account '%s' already has the basic license.", id))}, toolkit.Noop())
	}
	return written(req.Request, toolkit.DowngradedLicense{Success: true}, toolkit.Updated())
}
