package github

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// InvitationPrefix starts the account id of a pending invitation.
const InvitationPrefix = "invitation:"

// accountRef is a parsed account id: a GitHub user id, or an invitation id.
type accountRef struct {
	userID       int64
	invitationID int64
}

func (r accountRef) String() string {
	if r.invitationID != 0 {
		return InvitationPrefix + strconv.FormatInt(r.invitationID, 10)
	}
	return strconv.FormatInt(r.userID, 10)
}

// parseAccountID reads "<user id>" or "invitation:<invitation id>".
func parseAccountID(id string) (accountRef, error) {
	raw, inv := strings.CutPrefix(id, InvitationPrefix)
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != raw {
		return accountRef{}, errs.Newf(errs.NotFound,
			"Unknown account id %q: GitHub account ids are numeric user ids (e.g. \"583231\"), or \"invitation:<id>\" for a pending invitation.", id)
	}
	if inv {
		return accountRef{invitationID: n}, nil
	}
	return accountRef{userID: n}, nil
}

// invitation is GitHub's organization-invitation.
type invitation struct {
	ID               int64   `json:"id"`
	Login            *string `json:"login"`
	Email            *string `json:"email"`
	Role             string  `json:"role"`
	CreatedAt        string  `json:"created_at"`
	TeamCount        int     `json:"team_count"`
	InvitationSource string  `json:"invitation_source"`
	Inviter          *user   `json:"inviter"`
}

// Membership kinds reported in extra_data.membership.
const (
	membershipMember  = "member"
	membershipOutside = "outside_collaborator"
	membershipInvited = "invitation"
)

// orgRoleName is the entitlement id of a GitHub organization role.
func orgRoleName(githubRole string) string {
	if githubRole == "admin" {
		return "owner"
	}
	return githubRole // member, billing_manager
}

func accountType(u *user) *toolkit.AccountType {
	if u.Type == "Bot" {
		return toolkit.Ptr(toolkit.AccountTypeService)
	}
	return toolkit.Ptr(toolkit.AccountTypeUser)
}

// userAccount is a member (role "owner"/"member"/"billing_manager") or an
// outside collaborator (role "").
func userAccount(u *user, membership, role string) toolkit.FoundAccountData {
	extra := map[string]any{"login": u.Login, "membership": membership, "node_id": u.NodeID, "user_type": u.Type, "site_admin": u.SiteAdmin}
	if role != "" {
		extra["org_role"] = role
	}
	if u.HTMLURL != "" {
		extra["html_url"] = u.HTMLURL
	}
	a := toolkit.FoundAccountData{
		IntegrationSpecificID: strconv.FormatInt(u.ID, 10),
		Username:              toolkit.Ptr(u.Login),
		UserStatus:            toolkit.Ptr(toolkit.AccountStatusActive),
		ExtraData:             extra,
		AccountType:           accountType(u),
	}
	if u.Email != "" {
		a.Email = toolkit.Ptr(u.Email)
	}
	return a
}

func invitationAccount(in *invitation) toolkit.FoundAccountData {
	extra := map[string]any{"membership": membershipInvited, "invitation_id": in.ID, "org_role": in.Role,
		"created_at": in.CreatedAt, "team_count": in.TeamCount}
	if in.InvitationSource != "" {
		extra["invitation_source"] = in.InvitationSource
	}
	if in.Inviter != nil {
		extra["inviter"] = in.Inviter.Login
	}
	a := toolkit.FoundAccountData{
		IntegrationSpecificID: InvitationPrefix + strconv.FormatInt(in.ID, 10),
		UserStatus:            toolkit.Ptr(toolkit.AccountStatusPending),
		ExtraData:             extra,
		AccountType:           toolkit.Ptr(toolkit.AccountTypeUser),
	}
	if in.Login != nil && *in.Login != "" {
		a.Username = toolkit.Ptr(*in.Login)
		extra["login"] = *in.Login
	}
	if in.Email != nil && *in.Email != "" {
		a.Email = toolkit.Ptr(*in.Email)
	}
	return a
}

// ---- list_accounts --------------------------------------------------------------

// accountPhases are list_accounts' phases: owners, members, outside
// collaborators, pending invitations (each only when the settings ask).
func (ss *session) accountPhases() []paginate.Phase[toolkit.FoundAccountData] {
	type A = toolkit.FoundAccountData
	orgErr := func(err error) error { return orgNotFound(err, ss.s.Org) }
	users := func(first func(pp int) string, membership, role string) paginate.Phase[A] {
		return paginate.Flat[A]{FirstFor: first, SizeOf: perPageOf,
			FetchNumbered: numbered(ss, (*user).check, orgErr, each(func(u *user) A { return userAccount(u, membership, role) }))}
	}
	members := func(githubRole, role string) paginate.Phase[A] {
		return users(func(pp int) string { return ss.orgPath("/members?role=%s&per_page=%d", githubRole, pp) }, membershipMember, role)
	}
	phases := []paginate.Phase[A]{members("admin", "owner"), members("member", "member")}
	if ss.s.IncludeOutsideCollaborators {
		phases = append(phases, users(func(pp int) string { return ss.orgPath("/outside_collaborators?per_page=%d", pp) }, membershipOutside, ""))
	}
	if ss.s.IncludePendingInvitations {
		phases = append(phases, paginate.Flat[A]{FirstFor: func(pp int) string { return ss.orgPath("/invitations?per_page=%d", pp) },
			SizeOf: perPageOf, FetchNumbered: numbered(ss, (*invitation).check, func(err error) error {
				return ownerOnly(err, ss.s.Org, "pending invitations (set include_pending_invitations to false to skip them)")
			}, each(invitationAccount))})
	}
	return phases
}

// scope names a listing's page tokens: a token works only for the same
// capability, base URL, organization and include_* switches (the settings
// that shape a listing); replayed with others it is invalid_page_token.
func (ss *session) scope(cap toolkit.CapabilityName) string {
	return fmt.Sprintf("github/%s/%s/%s/%t/%t", cap, ss.s.BaseURL, strings.ToLower(ss.s.Org),
		ss.s.IncludeOutsideCollaborators, ss.s.IncludePendingInvitations)
}

func listAccounts(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	l := newLister[toolkit.FoundAccountData](ss, toolkit.CapListAccounts.Name(), req.Page)
	l.WholePages = true
	l.Phases = ss.accountPhases()
	accounts, page, err := l.run(ctx, req.Page)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	return toolkit.ListAccountsResponse{Response: accounts, Page: page}, nil
}

// ---- get_account ------------------------------------------------------------------

// membership is GitHub's org-membership.
type membership struct {
	State string `json:"state"` // active, pending
	Role  string `json:"role"`  // admin, member, billing_manager
	User  *user  `json:"user"`
}

// membershipOf reads login's organization membership; nil when GitHub
// answers 404 (neither a member nor invited).
func (ss *session) membershipOf(ctx context.Context, login string) (*membership, error) {
	var m membership
	if _, err := ss.c.GetJSON(ctx, ss.orgPath("/memberships/%s", pathEscape(login)), &m); err != nil {
		if status(err) == http.StatusNotFound {
			return nil, nil
		}
		return nil, err
	}
	return &m, nil
}

// isOutsideCollaborator pages through the outside collaborators (GitHub
// has no lookup of one).
func (ss *session) isOutsideCollaborator(ctx context.Context, id int64) (bool, error) {
	found := false
	err := scan(ss.orgPath("/outside_collaborators?per_page=%d", maxPerPage), func(path string) (string, bool, error) {
		us, next, err := getList(ctx, ss, path, (*user).check)
		if err != nil {
			return "", false, orgNotFound(err, ss.s.Org)
		}
		for _, u := range us {
			if u.ID == id {
				found = true
			}
		}
		return next, found, nil
	})
	return found, err
}

// findInvitation pages through the pending invitations for one matching f.
func (ss *session) findInvitation(ctx context.Context, f func(*invitation) bool) (*invitation, error) {
	var found *invitation
	err := scan(ss.orgPath("/invitations?per_page=%d", maxPerPage), func(path string) (string, bool, error) {
		ins, next, err := getList(ctx, ss, path, (*invitation).check)
		if err != nil {
			return "", false, ownerOnly(err, ss.s.Org, "pending invitations")
		}
		for i := range ins {
			if f(&ins[i]) {
				found = &ins[i]
				return "", true, nil
			}
		}
		return next, false, nil
	})
	return found, err
}

// check refuses an invitation entry without an id.
func (in *invitation) check() error { return positiveID(in.ID) }

// account finds an account by id: a member (any role, billing managers
// included), an outside collaborator, or a pending invitation. It returns
// the login of a user account too.
func (ss *session) account(ctx context.Context, ref accountRef) (*toolkit.FoundAccountData, string, error) {
	if ref.invitationID != 0 {
		in, err := ss.findInvitation(ctx, func(in *invitation) bool { return in.ID == ref.invitationID })
		if err != nil {
			return nil, "", err
		}
		if in == nil {
			return nil, "", errs.Newf(errs.NotFound, "No pending invitation %d in the GitHub organization %q (it was accepted, cancelled or has expired).", ref.invitationID, ss.s.Org)
		}
		a := invitationAccount(in)
		return &a, "", nil
	}
	u, err := ss.userByID(ctx, ref.userID)
	if err != nil {
		return nil, "", err
	}
	m, err := ss.membershipOf(ctx, u.Login)
	if err != nil {
		return nil, "", orgNotFound(err, ss.s.Org)
	}
	if m != nil && m.State == "active" {
		a := userAccount(u, membershipMember, orgRoleName(m.Role))
		return &a, u.Login, nil
	}
	if ss.s.IncludeOutsideCollaborators {
		ok, err := ss.isOutsideCollaborator(ctx, u.ID)
		if err != nil {
			return nil, "", err
		}
		if ok {
			a := userAccount(u, membershipOutside, "")
			return &a, u.Login, nil
		}
	}
	hint := ""
	if m != nil && m.State == "pending" {
		hint = " They have a pending invitation, listed as its own invitation:<id> account."
	}
	return nil, u.Login, errs.Newf(errs.NotFound, "The GitHub user %s (id %d) is not a member or outside collaborator of %q.%s", u.Login, u.ID, ss.s.Org, hint)
}

func getAccount(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
	ref, err := parseAccountID(req.Request.AccountID)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	a, _, err := ss.account(ctx, ref)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	return toolkit.GetAccountResponse{Response: *a}, nil
}

// ---- create_account -------------------------------------------------------------------

// invitationRequest is the body of POST /orgs/{org}/invitations.
type invitationRequest struct {
	InviteeID int64   `json:"invitee_id,omitempty"`
	Email     string  `json:"email,omitempty"`
	Role      string  `json:"role"`
	TeamIDs   []int64 `json:"team_ids,omitempty"`
}

// team is the part of GitHub's team we use.
type team struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Slug        string  `json:"slug"`
	Description *string `json:"description"`
	Privacy     string  `json:"privacy"`
	HTMLURL     string  `json:"html_url"`
	Parent      *struct {
		Slug string `json:"slug"`
	} `json:"parent"`
}

// teamBySlug reads a team; not_found names it.
func (ss *session) teamBySlug(ctx context.Context, slug string) (*team, error) {
	var t team
	if _, err := ss.c.GetJSON(ctx, ss.orgPath("/teams/%s", pathEscape(slug)), &t); err != nil {
		if status(err) == http.StatusNotFound {
			return nil, errs.Wrap(err, errs.NotFound, fmt.Sprintf("No team %q in the GitHub organization %q.", slug, ss.s.Org))
		}
		return nil, err
	}
	return &t, nil
}

func createAccount(ctx context.Context, req toolkit.Request[toolkit.CreateAccount]) (toolkit.Response[toolkit.CreatedAccount], error) {
	var none toolkit.Response[toolkit.CreatedAccount]
	p := req.Request
	plan, err := planInvitation(p)
	if err != nil {
		return none, err
	}
	ss, err := newSession(ctx, req)
	if err != nil {
		return none, err
	}
	body := invitationRequest{Email: plan.email, Role: plan.role}
	var invitee *user
	if plan.login != "" {
		var existing *toolkit.Response[toolkit.CreatedAccount]
		invitee, existing, err = ss.existingInvitee(ctx, p, plan.login)
		if err != nil || existing != nil {
			return deref(existing), err
		}
		body.InviteeID = invitee.ID
	}
	for _, slug := range plan.teamSlugs {
		t, err := ss.teamBySlug(ctx, slug)
		if err != nil {
			return none, err
		}
		body.TeamIDs = append(body.TeamIDs, t.ID)
	}
	var in invitation
	if _, err := ss.c.PostJSON(ctx, ss.orgPath("/invitations"), body, &in); err != nil {
		if plan.email != "" && isAlreadyInvited(err) {
			found, ferr := ss.findInvitation(ctx, func(in *invitation) bool { return in.Email != nil && strings.EqualFold(*in.Email, plan.email) })
			if ferr == nil && found != nil {
				return created(p, InvitationPrefix+strconv.FormatInt(found.ID, 10), toolkit.AccountStatusPending, toolkit.Noop())
			}
		}
		return none, ownerOnly(err, ss.s.Org, "invitations")
	}
	// Maintainers: the invitation made them pending members of the team;
	// raise their pending team role.
	for slug := range plan.maintainerOf {
		if _, err := ss.c.PutJSON(ctx, ss.orgPath("/teams/%s/memberships/%s", pathEscape(slug), pathEscape(invitee.Login)), map[string]string{"role": "maintainer"}, nil); err != nil {
			return none, fmt.Errorf("the invitation %d was sent, but making %s a maintainer of %s failed: %w", in.ID, invitee.Login, slug, err)
		}
	}
	return created(p, InvitationPrefix+strconv.FormatInt(in.ID, 10), toolkit.AccountStatusPending, toolkit.Created())
}

// deref is *r, or the zero response for nil.
func deref(r *toolkit.Response[toolkit.CreatedAccount]) toolkit.Response[toolkit.CreatedAccount] {
	if r == nil {
		return toolkit.Response[toolkit.CreatedAccount]{}
	}
	return *r
}

// invitationPlan is what a create_account request asks GitHub to send:
// who, with which organization role, into which teams.
type invitationPlan struct {
	email, login string
	role         string // GitHub's invitation role: direct_member or admin
	teamSlugs    []string
	maintainerOf map[string]bool
}

// planInvitation reads the invitee and the entitlements of a create_account request.
func planInvitation(p toolkit.CreateAccount) (*invitationPlan, error) {
	plan := &invitationPlan{email: trimmed(p.Email), login: trimmed(p.Username), role: "direct_member", maintainerOf: map[string]bool{}}
	if (plan.email == "") == (plan.login == "") {
		return nil, errs.New(errs.BadRequest, "Give either email or username (a GitHub login) to invite, not both and not neither.")
	}
	for _, e := range p.Entitlements {
		res := ""
		if e.IntegrationSpecificResourceID != nil {
			res = *e.IntegrationSpecificResourceID
		}
		var err error
		switch e.EntitlementType {
		case EntitlementTypeOrgRole:
			err = plan.orgRole(res, e.IntegrationSpecificID)
		case EntitlementTypeTeamRole:
			err = plan.teamRole(res, e.IntegrationSpecificID)
		case EntitlementTypeRepoPermission:
			err = errs.New(errs.BadRequest, "GitHub invitations cannot carry repository access; assign repo_permission once the invitation is accepted.")
		default:
			err = errs.Newf(errs.NotFound, "Unknown entitlement type %q.", e.EntitlementType)
		}
		if err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// orgRole sets the invitation's organization role from an org_role entitlement.
func (plan *invitationPlan) orgRole(resource, id string) error {
	if resource != "" {
		return errs.Newf(errs.BadRequest, "The org_role entitlement is held on the organization (resource \"\"), not %q.", resource)
	}
	switch id {
	case "owner":
		plan.role = "admin"
	case "member":
		plan.role = "direct_member"
	default:
		return errs.Newf(errs.NotFound, "Unknown organization role %q: use owner or member.", id)
	}
	return nil
}

// teamRole adds a team from a team_role entitlement.
func (plan *invitationPlan) teamRole(resource, id string) error {
	slug, ok := strings.CutPrefix(resource, teamPrefix)
	if !ok || !pathName(slug) {
		return errs.Newf(errs.BadRequest, "A team_role entitlement needs a team resource (team:<slug>), not %q.", resource)
	}
	switch id {
	case "member":
	case "maintainer":
		if plan.login == "" {
			return errs.New(errs.BadRequest, "An invitation by email can only add teams as member; GitHub needs a login to make someone maintainer before they join.")
		}
		plan.maintainerOf[slug] = true
	default:
		return errs.Newf(errs.NotFound, "Unknown team role %q: use member or maintainer.", id)
	}
	plan.teamSlugs = append(plan.teamSlugs, slug)
	return nil
}

// existingInvitee looks the login up; when they are already a member or
// invited, it returns the noop answer instead of the user.
func (ss *session) existingInvitee(ctx context.Context, p toolkit.CreateAccount, login string) (*user, *toolkit.Response[toolkit.CreatedAccount], error) {
	invitee, err := ss.userByLogin(ctx, login)
	if err != nil {
		return nil, nil, err
	}
	m, err := ss.membershipOf(ctx, invitee.Login)
	if err != nil {
		return nil, nil, orgNotFound(err, ss.s.Org)
	}
	noop := func(id string, st toolkit.AccountStatus) (*user, *toolkit.Response[toolkit.CreatedAccount], error) {
		r, err := created(p, id, st, toolkit.Noop())
		return nil, &r, err
	}
	switch {
	case m != nil && m.State == "active":
		return noop(strconv.FormatInt(invitee.ID, 10), toolkit.AccountStatusActive)
	case m != nil:
		in, err := ss.findInvitation(ctx, func(in *invitation) bool { return in.Login != nil && strings.EqualFold(*in.Login, invitee.Login) })
		if err != nil {
			return nil, nil, err
		}
		if in != nil {
			return noop(InvitationPrefix+strconv.FormatInt(in.ID, 10), toolkit.AccountStatusPending)
		}
	}
	return invitee, nil, nil
}

// isAlreadyInvited recognises GitHub's 422 for an invitee with a pending invitation.
func isAlreadyInvited(err error) bool {
	if status(err) != http.StatusUnprocessableEntity {
		return false
	}
	_, body := parseGitHubError(err)
	for _, e := range body.Errors {
		if e.Code == "already_exists" {
			return true
		}
	}
	return false
}

func created(p toolkit.CreateAccount, id string, st toolkit.AccountStatus, effect toolkit.Effect) (toolkit.Response[toolkit.CreatedAccount], error) {
	sum, err := toolkit.Summarize(p, effect, true)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	return toolkit.Response[toolkit.CreatedAccount]{
		Response:         toolkit.CreatedAccount{ID: toolkit.Ptr(id), Status: st, Created: effect.Kind == toolkit.EffectCreated},
		ExecutionSummary: sum,
	}, nil
}

func trimmed(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// ---- delete_account -----------------------------------------------------------------------

func deleteAccount(ctx context.Context, req toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error) {
	ref, err := parseAccountID(req.Request.AccountID)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	effect := toolkit.Deleted()
	if ref.invitationID != 0 {
		_, err := ss.c.Delete(ctx, ss.orgPath("/invitations/%d", ref.invitationID))
		switch {
		case status(err) == http.StatusNotFound:
			effect = toolkit.Noop() // accepted, cancelled or expired already
		case err != nil:
			return toolkit.DeleteAccountResponse{}, err
		}
		return deleted(req.Request, effect)
	}
	u, err := ss.userByID(ctx, ref.userID)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	// Removes an active member (with their teams and repository access) or
	// cancels their pending invitation.
	_, err = ss.c.Delete(ctx, ss.orgPath("/memberships/%s", pathEscape(u.Login)))
	switch {
	case err == nil:
		return deleted(req.Request, effect)
	case status(err) != http.StatusNotFound:
		return toolkit.DeleteAccountResponse{}, orgNotFound(err, ss.s.Org)
	}
	ok, err := ss.isOutsideCollaborator(ctx, u.ID)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	if !ok {
		return deleted(req.Request, toolkit.Noop())
	}
	if _, err := ss.c.Delete(ctx, ss.orgPath("/outside_collaborators/%s", pathEscape(u.Login))); err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	return deleted(req.Request, effect)
}

func deleted(p toolkit.DeleteAccount, effect toolkit.Effect) (toolkit.DeleteAccountResponse, error) {
	sum, err := toolkit.Summarize(p, effect, true)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	return toolkit.DeleteAccountResponse{Response: toolkit.DeletedAccount{Status: toolkit.AccountStatusDeleted, Deleted: true}, ExecutionSummary: sum}, nil
}
