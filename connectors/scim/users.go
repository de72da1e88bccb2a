package scim

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// ref is a SCIM reference to another resource (members, groups, manager).
type ref struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

// email is one of a User's emails.
type email struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// enterpriseUser is the Enterprise User extension (RFC 7643 §4.3).
type enterpriseUser struct {
	EmployeeNumber string `json:"employeeNumber"`
	CostCenter     string `json:"costCenter"`
	Organization   string `json:"organization"`
	Division       string `json:"division"`
	Department     string `json:"department"`
	Manager        *struct {
		Value       string `json:"value"`
		DisplayName string `json:"displayName"`
	} `json:"manager"`
}

// user is the part of a SCIM User the connector reads.
type user struct {
	ID          string `json:"id"`
	ExternalID  string `json:"externalId"`
	UserName    string `json:"userName"`
	DisplayName string `json:"displayName"`
	Name        *struct {
		Formatted  string `json:"formatted"`
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
	} `json:"name"`
	Title      string          `json:"title"`
	UserType   string          `json:"userType"`
	Active     *bool           `json:"active"`
	Emails     []email         `json:"emails"`
	Groups     []ref           `json:"groups"`
	Enterprise *enterpriseUser `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
}

// status is ACTIVE unless active is false (SUSPENDED); a server that does
// not send active has no notion of suspension.
func (u *user) status() toolkit.AccountStatus {
	if u.Active != nil && !*u.Active {
		return toolkit.AccountStatusSuspended
	}
	return toolkit.AccountStatusActive
}

// sortedEmails are the user's emails, the primary one first.
func (u *user) sortedEmails() []email {
	out := make([]email, 0, len(u.Emails))
	for _, e := range u.Emails {
		if e.Value != "" {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Primary && !out[j].Primary })
	return out
}

// account is the Lumos account of a SCIM User.
func account(u *user) toolkit.FoundAccountData {
	extra := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			extra[k] = v
		}
	}
	set("external_id", u.ExternalID)
	set("display_name", u.DisplayName)
	set("title", u.Title)
	set("user_type", u.UserType)
	a := toolkit.FoundAccountData{
		IntegrationSpecificID: u.ID,
		Username:              toolkit.Ptr(u.UserName),
		UserStatus:            toolkit.Ptr(u.status()),
		AccountType:           toolkit.Ptr(toolkit.AccountTypeUser),
		ExtraData:             extra,
	}
	if es := u.sortedEmails(); len(es) > 0 {
		a.Email = toolkit.Ptr(es[0].Value)
		all := make([]string, len(es))
		for i, e := range es {
			all[i] = e.Value
		}
		extra["emails"] = all
	}
	if u.Name != nil {
		if u.Name.GivenName != "" {
			a.GivenName = toolkit.Ptr(u.Name.GivenName)
		}
		if u.Name.FamilyName != "" {
			a.FamilyName = toolkit.Ptr(u.Name.FamilyName)
		}
		set("formatted_name", u.Name.Formatted)
	}
	if e := u.Enterprise; e != nil {
		set("employee_number", e.EmployeeNumber)
		set("cost_center", e.CostCenter)
		set("organization", e.Organization)
		set("division", e.Division)
		set("department", e.Department)
		if e.Manager != nil {
			set("manager_id", e.Manager.Value)
			set("manager_name", e.Manager.DisplayName)
		}
	}
	return a
}

// checkID refuses an account id that cannot be a SCIM id in a path.
func checkID(id, what string) error {
	if strings.TrimSpace(id) == "" || id == "." || id == ".." {
		return errs.Newf(errs.NotFound, "Unknown %s id %q.", what, id)
	}
	return nil
}

func listAccounts(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	users := flat(ss, ss.s.UsersPath, nil, func(u *user) []toolkit.FoundAccountData { return []toolkit.FoundAccountData{account(u)} })
	accounts, p, err := page[toolkit.FoundAccountData](ctx, ss, toolkit.CapListAccounts.Name(), req.Page, true, users)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	return toolkit.ListAccountsResponse{Response: accounts, Page: p}, nil
}

// getUser reads one User; a 404 is not_found naming it.
func (ss *session) getUser(ctx context.Context, id string) (*user, error) {
	if err := checkID(id, "account"); err != nil {
		return nil, err
	}
	var u user
	if _, err := ss.c.GetJSON(ctx, ss.userPath(id), &u); err != nil {
		return nil, notFound(err, "The SCIM user "+strconvQuote(id))
	}
	if u.ID == "" {
		return nil, errs.Newf(errs.InvalidResponse, "SCIM: the user %q came back without an id.", id)
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

// ---- writes on accounts ------------------------------------------------------------

func createAccount(ctx context.Context, req toolkit.Request[toolkit.CreateAccount]) (toolkit.Response[toolkit.CreatedAccount], error) {
	p := req.Request
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	body, err := newUserBody(p)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	dialectUserBody(ss.s, body)
	var u user
	if _, err := ss.c.PostJSON(ctx, ss.s.UsersPath, body, &u); err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	if u.ID == "" {
		return toolkit.Response[toolkit.CreatedAccount]{}, errs.New(errs.InvalidResponse, "SCIM: the created user came back without an id.")
	}
	for _, e := range p.Entitlements {
		rid := ""
		if e.IntegrationSpecificResourceID != nil {
			rid = *e.IntegrationSpecificResourceID
		}
		ref := toolkit.EntitlementRef{AccountID: u.ID, ResourceType: ResourceTypeTenant, ResourceID: rid,
			EntitlementType: e.EntitlementType, EntitlementID: e.IntegrationSpecificID}
		if _, err := ss.changeMembership(ctx, ref, true); err != nil {
			return toolkit.Response[toolkit.CreatedAccount]{}, err
		}
	}
	sum, err := toolkit.Summarize(p, toolkit.Created(), false)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	return toolkit.Response[toolkit.CreatedAccount]{Response: toolkit.CreatedAccount{ID: toolkit.Ptr(u.ID), Status: u.status(), Created: true}, ExecutionSummary: sum}, nil
}

// newUserBody is the POST /Users body of a create_account payload.
func newUserBody(p toolkit.CreateAccount) (map[string]any, error) {
	val := func(s *string) string {
		if s == nil {
			return ""
		}
		return strings.TrimSpace(*s)
	}
	userName := val(p.Username)
	if userName == "" {
		userName = val(p.Email)
	}
	if userName == "" {
		return nil, errs.New(errs.BadRequest, "create_account needs a username or an email (SCIM's userName is required).")
	}
	body := map[string]any{"schemas": []string{schemaUser}, "userName": userName}
	name := map[string]any{}
	if v := val(p.GivenName); v != "" {
		name["givenName"] = v
	}
	if v := val(p.FamilyName); v != "" {
		name["familyName"] = v
	}
	if len(name) > 0 {
		body["name"] = name
	}
	if v := val(p.Email); v != "" {
		body["emails"] = []email{{Value: v, Type: "work", Primary: true}}
	}
	switch strings.ToUpper(val(p.UserStatus)) {
	case "", string(toolkit.AccountStatusActive):
		body["active"] = true
	case string(toolkit.AccountStatusSuspended), string(toolkit.AccountStatusInactive), string(toolkit.AccountStatusDeprovisioned):
		body["active"] = false
	default:
		return nil, errs.Newf(errs.BadRequest, "create_account: user_status %q is not supported (ACTIVE, SUSPENDED or INACTIVE).", val(p.UserStatus))
	}
	for _, e := range p.Entitlements {
		if e.EntitlementType != EntitlementTypeGroupMember {
			return nil, errs.Newf(errs.BadRequest, "create_account: unknown entitlement type %q (only %q).", e.EntitlementType, EntitlementTypeGroupMember)
		}
	}
	return body, nil
}

// setActive PATCHes active to want, unless the user already is so.
func (ss *session) setActive(ctx context.Context, id string, want bool) (toolkit.Effect, error) {
	u, err := ss.getUser(ctx, id)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if u.Active != nil && *u.Active == want {
		return toolkit.Noop(), nil
	}
	if err := ss.patch(ctx, ss.userPath(id), patchOp{Op: ss.op("replace"), Path: "active", Value: want}); err != nil {
		return toolkit.Effect{}, notFound(err, "The SCIM user "+strconvQuote(id))
	}
	return toolkit.Updated(), nil
}

// changeActivation turns the account on (activate_account) or off
// (deactivate_account).
func changeActivation(ctx context.Context, c toolkit.AccountActivation) (toolkit.Effect, toolkit.AccountStatus, error) {
	ss, err := newSession(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	eff, err := ss.setActive(ctx, c.Request.Request.AccountID, c.Activate)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	if c.Activate {
		return eff, toolkit.AccountStatusActive, nil
	}
	return eff, toolkit.AccountStatusSuspended, nil
}

func deleteAccount(ctx context.Context, req toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	id := req.Request.AccountID
	if err := checkID(id, "account"); err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	eff := toolkit.Deleted()
	if _, err := ss.c.Delete(ctx, ss.userPath(id)); err != nil {
		if statusOf(err) != http.StatusNotFound {
			return toolkit.DeleteAccountResponse{}, err
		}
		eff = toolkit.Noop()
	}
	sum, err := toolkit.Summarize(req.Request, eff, true)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	return toolkit.DeleteAccountResponse{Response: toolkit.DeletedAccount{Status: toolkit.AccountStatusDeleted, Deleted: true}, ExecutionSummary: sum}, nil
}

// strconvQuote quotes an id for a message.
func strconvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
