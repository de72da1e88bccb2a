package okta

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// Okta user statuses.
const (
	statusStaged          = "STAGED"
	statusProvisioned     = "PROVISIONED"
	statusActive          = "ACTIVE"
	statusRecovery        = "RECOVERY"
	statusPasswordExpired = "PASSWORD_EXPIRED"
	statusLockedOut       = "LOCKED_OUT"
	statusSuspended       = "SUSPENDED"
	statusDeprovisioned   = "DEPROVISIONED"
)

// profile is the part of an Okta user's profile the connector reads.
type profile struct {
	Login          string `json:"login"`
	Email          string `json:"email"`
	SecondEmail    string `json:"secondEmail"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	DisplayName    string `json:"displayName"`
	Title          string `json:"title"`
	Department     string `json:"department"`
	Division       string `json:"division"`
	Organization   string `json:"organization"`
	EmployeeNumber string `json:"employeeNumber"`
	CostCenter     string `json:"costCenter"`
	Manager        string `json:"manager"`
	ManagerID      string `json:"managerId"`
	UserType       string `json:"userType"`
}

// user is the part of an Okta user the connector reads.
type user struct {
	ID              string  `json:"id"`
	Status          string  `json:"status"`
	Created         string  `json:"created"`
	Activated       string  `json:"activated"`
	StatusChanged   string  `json:"statusChanged"`
	LastLogin       string  `json:"lastLogin"`
	LastUpdated     string  `json:"lastUpdated"`
	PasswordChanged string  `json:"passwordChanged"`
	Profile         profile `json:"profile"`
	Type            *struct {
		ID string `json:"id"`
	} `json:"type"`
}

// check refuses a user entry without an id.
func (u *user) check() error {
	if u.ID == "" {
		return errors.New("its id is missing")
	}
	return nil
}

// accountStatus maps an Okta user status to a Lumos account status:
// STAGED and PROVISIONED (not yet signed in) are PENDING; ACTIVE and the
// active states that only constrain the next sign-in (RECOVERY,
// PASSWORD_EXPIRED) are ACTIVE; LOCKED_OUT and SUSPENDED cannot sign in
// and are SUSPENDED; DEPROVISIONED is DEPROVISIONED; anything else is
// INACTIVE (extra_data.okta_status keeps Okta's own word).
func accountStatus(s string) toolkit.AccountStatus {
	switch s {
	case statusStaged, statusProvisioned:
		return toolkit.AccountStatusPending
	case statusActive, statusRecovery, statusPasswordExpired:
		return toolkit.AccountStatusActive
	case statusLockedOut, statusSuspended:
		return toolkit.AccountStatusSuspended
	case statusDeprovisioned:
		return toolkit.AccountStatusDeprovisioned
	}
	return toolkit.AccountStatusInactive
}

// account is the Lumos account of an Okta user.
func account(u *user) toolkit.FoundAccountData {
	extra := map[string]any{"okta_status": u.Status}
	set := func(k, v string) {
		if v != "" {
			extra[k] = v
		}
	}
	p := &u.Profile
	set("display_name", p.DisplayName)
	set("second_email", p.SecondEmail)
	set("title", p.Title)
	set("department", p.Department)
	set("division", p.Division)
	set("organization", p.Organization)
	set("employee_number", p.EmployeeNumber)
	set("cost_center", p.CostCenter)
	set("manager", p.Manager)
	set("manager_id", p.ManagerID)
	set("user_type", p.UserType)
	set("created", u.Created)
	set("activated", u.Activated)
	set("status_changed", u.StatusChanged)
	set("last_login", u.LastLogin)
	set("last_updated", u.LastUpdated)
	set("password_changed", u.PasswordChanged)
	if u.Type != nil {
		set("user_type_id", u.Type.ID)
	}
	a := toolkit.FoundAccountData{
		IntegrationSpecificID: u.ID,
		UserStatus:            toolkit.Ptr(accountStatus(u.Status)),
		AccountType:           toolkit.Ptr(toolkit.AccountTypeUser),
		ExtraData:             extra,
	}
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return toolkit.Ptr(v)
	}
	a.Username, a.Email, a.GivenName, a.FamilyName = opt(p.Login), opt(p.Email), opt(p.FirstName), opt(p.LastName)
	return a
}

// deprovisioned is the filter of the DEPROVISIONED users, which the plain
// listing leaves out.
var deprovisioned = url.Values{"filter": {`status eq "DEPROVISIONED"`}}

func listAccounts(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	one := func(u *user) []toolkit.FoundAccountData { return []toolkit.FoundAccountData{account(u)} }
	phases := []paginate.Phase[toolkit.FoundAccountData]{flat(ss, "/api/v1/users", nil, (*user).check, one)}
	if ss.s.IncludeDeprovisioned {
		phases = append(phases, flat(ss, "/api/v1/users", deprovisioned, (*user).check, one))
	}
	accounts, p, err := page(ctx, ss, toolkit.CapListAccounts.Name(), req.Page, true, phases...)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	return toolkit.ListAccountsResponse{Response: accounts, Page: p}, nil
}

// getUser reads one user; a 404 is not_found naming it.
func (ss *session) getUser(ctx context.Context, id string) (*user, error) {
	if err := checkID(id, "account"); err != nil {
		return nil, err
	}
	var u user
	if _, err := ss.c.GetJSON(ctx, userPath(id), &u); err != nil {
		return nil, notFound(err, "The Okta user "+quote(id))
	}
	if u.ID == "" {
		return nil, errs.Newf(errs.InvalidResponse, "Okta: the user %q came back without an id.", id)
	}
	return &u, nil
}

func getAccount(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	u, err := ss.getUser(ctx, req.Request.AccountID)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	return toolkit.GetAccountResponse{Response: account(u)}, nil
}

func getLastActivity(ctx context.Context, req toolkit.GetLastActivityRequest) (toolkit.GetLastActivityResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.GetLastActivityResponse{}, err
	}
	out := []toolkit.LastActivityData{}
	for _, id := range req.Request.AccountIDs {
		u, err := ss.getUser(ctx, id)
		if code, _ := errs.CodeOf(err); code == errs.NotFound {
			continue
		}
		if err != nil {
			return toolkit.GetLastActivityResponse{}, err
		}
		if u.LastLogin != "" {
			out = append(out, toolkit.LastActivityData{AccountID: u.ID, EventType: toolkit.ActivityLastLogin, HappenedAt: u.LastLogin})
		}
	}
	return toolkit.GetLastActivityResponse{Response: out}, nil
}

// ---- writes on accounts ------------------------------------------------------------

// newUserBody is the POST /api/v1/users body of a create_account payload
// and whether to activate the user.
func newUserBody(p toolkit.CreateAccount) (map[string]any, bool, error) {
	val := func(s *string) string {
		if s == nil {
			return ""
		}
		return strings.TrimSpace(*s)
	}
	login, email := val(p.Username), val(p.Email)
	if login == "" {
		login = email
	}
	if email == "" && strings.Contains(login, "@") {
		email = login
	}
	if login == "" || email == "" {
		return nil, false, errs.New(errs.BadRequest, "create_account needs an email (Okta requires profile.email; the login defaults to it).")
	}
	prof := map[string]any{"login": login, "email": email}
	if v := val(p.GivenName); v != "" {
		prof["firstName"] = v
	}
	if v := val(p.FamilyName); v != "" {
		prof["lastName"] = v
	}
	activate := true
	switch strings.ToUpper(val(p.UserStatus)) {
	case "", string(toolkit.AccountStatusActive):
	case string(toolkit.AccountStatusPending), statusStaged:
		activate = false
	default:
		return nil, false, errs.Newf(errs.BadRequest, "create_account: user_status %q is not supported (ACTIVE, or PENDING/STAGED for a staged user).", val(p.UserStatus))
	}
	body := map[string]any{"profile": prof}
	var groups []string
	for _, e := range p.Entitlements {
		if e.EntitlementType != EntitlementTypeGroupMember {
			return nil, false, errs.Newf(errs.BadRequest, "create_account: entitlement type %q cannot be granted at creation (only %q).", e.EntitlementType, EntitlementTypeGroupMember)
		}
		if e.IntegrationSpecificResourceID != nil && *e.IntegrationSpecificResourceID != "" {
			return nil, false, errs.Newf(errs.NotFound, "Unknown resource %q: Okta groups are entitlements on the org (resource \"\").", *e.IntegrationSpecificResourceID)
		}
		if err := checkID(e.IntegrationSpecificID, "group"); err != nil {
			return nil, false, err
		}
		groups = append(groups, e.IntegrationSpecificID)
	}
	if len(groups) > 0 {
		body["groupIds"] = groups
	}
	return body, activate, nil
}

func createAccount(ctx context.Context, req toolkit.Request[toolkit.CreateAccount]) (toolkit.Response[toolkit.CreatedAccount], error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	body, activate, err := newUserBody(req.Request)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	q := url.Values{"activate": {boolString(activate)}}
	var u user
	if _, err := ss.c.PostJSON(ctx, "/api/v1/users?"+q.Encode(), body, &u); err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	if u.ID == "" {
		return toolkit.Response[toolkit.CreatedAccount]{}, errs.New(errs.InvalidResponse, "Okta: the created user came back without an id.")
	}
	sum, err := toolkit.Summarize(req.Request, toolkit.Created(), false)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	return toolkit.Response[toolkit.CreatedAccount]{Response: toolkit.CreatedAccount{ID: toolkit.Ptr(u.ID), Status: accountStatus(u.Status), Created: true}, ExecutionSummary: sum}, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// lifecycle posts one lifecycle operation (activate, deactivate, …) on a user.
func (ss *session) lifecycle(ctx context.Context, id, op string, query url.Values) error {
	p := userPath(id, "lifecycle", op)
	if len(query) > 0 {
		p += "?" + query.Encode()
	}
	if _, err := ss.c.PostJSON(ctx, p, nil, nil); err != nil {
		return notFound(err, "The Okta user "+quote(id))
	}
	return nil
}

// noEmail asks Okta not to e-mail the user about a lifecycle change.
var noEmail = url.Values{"sendEmail": {"false"}}

// activate brings the user to an active state by the operation its status
// needs; a noop when it is already active. It returns the user's status
// afterwards, read again: an activation without a password leaves the user
// PROVISIONED (PENDING) until it sets one.
func (ss *session) activate(ctx context.Context, id string) (toolkit.Effect, toolkit.AccountStatus, error) {
	u, err := ss.getUser(ctx, id)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	switch u.Status {
	case statusActive, statusRecovery, statusPasswordExpired:
		return toolkit.Noop(), accountStatus(u.Status), nil
	case statusSuspended:
		err = ss.lifecycle(ctx, id, "unsuspend", nil)
	case statusLockedOut:
		err = ss.lifecycle(ctx, id, "unlock", nil)
	case statusProvisioned:
		err = ss.lifecycle(ctx, id, "reactivate", noEmail)
	default: // STAGED, DEPROVISIONED
		err = ss.lifecycle(ctx, id, "activate", noEmail)
	}
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	if u, err = ss.getUser(ctx, id); err != nil {
		return toolkit.Effect{}, "", err
	}
	return toolkit.Updated(), accountStatus(u.Status), nil
}

// deactivate makes the user DEPROVISIONED unless it already is.
func (ss *session) deactivate(ctx context.Context, u *user) (toolkit.Effect, error) {
	if u.Status == statusDeprovisioned {
		return toolkit.Noop(), nil
	}
	if err := ss.lifecycle(ctx, u.ID, "deactivate", noEmail); err != nil {
		return toolkit.Effect{}, err
	}
	return toolkit.Updated(), nil
}

// changeActivation activates (activate_account) or deactivates
// (deactivate_account) the user and answers its status afterwards.
func changeActivation(ctx context.Context, c toolkit.AccountActivation) (toolkit.Effect, toolkit.AccountStatus, error) {
	ss, err := newSession(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	id := c.Request.Request.AccountID
	if c.Activate {
		return ss.activate(ctx, id)
	}
	u, err := ss.getUser(ctx, id)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	eff, err := ss.deactivate(ctx, u)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	return eff, toolkit.AccountStatusDeprovisioned, nil
}

func deleteAccount(ctx context.Context, req toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	eff := toolkit.Deleted()
	u, err := ss.getUser(ctx, req.Request.AccountID)
	if code, _ := errs.CodeOf(err); code == errs.NotFound {
		eff, err = toolkit.Noop(), nil
	} else if err == nil {
		if _, err = ss.deactivate(ctx, u); err == nil {
			if _, err = ss.c.Delete(ctx, userPath(u.ID)+"?sendEmail=false"); statusOf(err) == http.StatusNotFound {
				err = nil
			}
		}
	}
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	sum, err := toolkit.Summarize(req.Request, eff, true)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	return toolkit.DeleteAccountResponse{Response: toolkit.DeletedAccount{Status: toolkit.AccountStatusDeleted, Deleted: true}, ExecutionSummary: sum}, nil
}

// quote quotes an id for a message.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
