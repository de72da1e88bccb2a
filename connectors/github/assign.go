package github

import (
	"context"
	"fmt"
	"net/http"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// writeTarget parses a write's entitlement reference and resolves its
// account to the GitHub user.
func writeTarget[P any](ctx context.Context, req toolkit.Request[P], ref toolkit.EntitlementRef) (*session, *user, target, error) {
	acc, err := parseAccountID(ref.AccountID)
	if err != nil {
		return nil, nil, target{}, err
	}
	t, err := parseTarget(ref)
	if err != nil {
		return nil, nil, t, err
	}
	if acc.invitationID != 0 {
		return nil, nil, t, errs.Newf(errs.BadRequest,
			"The account %s is a pending invitation: GitHub grants nothing to an invitation. Assign entitlements once it is accepted (or cancel it and invite again with the entitlements).", ref.AccountID)
	}
	ss, err := newSession(ctx, req)
	if err != nil {
		return nil, nil, t, err
	}
	u, err := ss.userByID(ctx, acc.userID)
	if err != nil {
		return nil, nil, t, err
	}
	return ss, u, t, nil
}

// changeEntitlement grants or revokes the entitlement of a change (the
// shared part of assign_entitlement and unassign_entitlement, see
// toolkit.AssignEntitlementWith).
func changeEntitlement(ctx context.Context, c toolkit.EntitlementChange) (toolkit.Effect, error) {
	ss, u, t, err := writeTarget(ctx, c.Request, c.Request.Request)
	if err != nil {
		return toolkit.Effect{}, err
	}
	switch {
	case t.typ == EntitlementTypeOrgRole && c.Grant:
		return ss.grantOrgRole(ctx, u, t.id)
	case t.typ == EntitlementTypeOrgRole:
		return ss.revokeOrgRole(ctx, u, t.id)
	case t.typ == EntitlementTypeTeamRole && c.Grant:
		return ss.grantTeamRole(ctx, u, t.team, t.id)
	case t.typ == EntitlementTypeTeamRole:
		return ss.revokeTeamRole(ctx, u, t.team, t.id)
	case c.Grant:
		return ss.grantRepoRole(ctx, u, t.repo, t.id)
	default:
		return ss.revokeRepoRole(ctx, u, t.repo, t.id)
	}
}

// ---- organization roles -----------------------------------------------------------------

func githubOrgRole(ent string) string {
	if ent == "owner" {
		return "admin"
	}
	return "member"
}

// grantOrgRole sets the membership role; GitHub invites a non-member (the
// role then waits in the pending invitation).
func (ss *session) grantOrgRole(ctx context.Context, u *user, ent string) (toolkit.Effect, error) {
	m, err := ss.membershipOf(ctx, u.Login)
	if err != nil {
		return toolkit.Effect{}, orgNotFound(err, ss.s.Org)
	}
	want := githubOrgRole(ent)
	if m != nil && m.Role == want {
		return toolkit.Noop(), nil
	}
	if _, err := ss.c.PutJSON(ctx, ss.orgPath("/memberships/%s", pathEscape(u.Login)), map[string]string{"role": want}, nil); err != nil {
		return toolkit.Effect{}, orgNotFound(err, ss.s.Org)
	}
	if m == nil {
		return toolkit.Created(), nil
	}
	return toolkit.Updated(), nil
}

// revokeOrgRole: an owner becomes a member; a member leaves the
// organization (their pending invitation is cancelled).
func (ss *session) revokeOrgRole(ctx context.Context, u *user, ent string) (toolkit.Effect, error) {
	m, err := ss.membershipOf(ctx, u.Login)
	if err != nil {
		return toolkit.Effect{}, orgNotFound(err, ss.s.Org)
	}
	if m == nil || m.Role != githubOrgRole(ent) {
		return toolkit.Noop(), nil
	}
	path := ss.orgPath("/memberships/%s", pathEscape(u.Login))
	if ent == "owner" {
		_, err = ss.c.PutJSON(ctx, path, map[string]string{"role": "member"}, nil)
	} else {
		_, err = ss.c.Delete(ctx, path)
	}
	if err != nil {
		return toolkit.Effect{}, err
	}
	return toolkit.Deleted(), nil
}

// ---- team roles -------------------------------------------------------------------------

// teamNotFound names the team of a 404 answered to a team endpoint.
func (ss *session) teamNotFound(err error, slug string) error {
	if status(err) != http.StatusNotFound {
		return err
	}
	return errs.Wrap(err, errs.NotFound, fmt.Sprintf("No team %q in the GitHub organization %q (GitHub answered 404 Not Found).", slug, ss.s.Org))
}

// holdsTeamRole reports whether a team membership counts as role. GitHub
// reports organization owners as maintainers of every team they belong to,
// whatever role they were given, so an owner's membership also counts as
// member (one more request, only in that case).
func (ss *session) holdsTeamRole(ctx context.Context, u *user, m *teamMembership, role string) (bool, error) {
	switch {
	case m == nil:
		return false, nil
	case m.Role == role:
		return true, nil
	case role == "member" && m.Role == "maintainer":
		om, err := ss.membershipOf(ctx, u.Login)
		if err != nil {
			return false, err
		}
		return om != nil && om.State == "active" && om.Role == "admin", nil
	}
	return false, nil
}

// grantTeamRole adds or updates a team membership; a non-member is invited
// to the organization by GitHub and the membership stays pending.
func (ss *session) grantTeamRole(ctx context.Context, u *user, slug, role string) (toolkit.Effect, error) {
	m, err := ss.teamMembershipOf(ctx, slug, u.Login)
	if err != nil {
		return toolkit.Effect{}, ss.teamNotFound(err, slug)
	}
	held, err := ss.holdsTeamRole(ctx, u, m, role)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if held {
		return toolkit.Noop(), nil
	}
	if _, err := ss.c.PutJSON(ctx, ss.orgPath("/teams/%s/memberships/%s", pathEscape(slug), pathEscape(u.Login)), map[string]string{"role": role}, nil); err != nil {
		return toolkit.Effect{}, ss.teamNotFound(err, slug)
	}
	if m == nil {
		return toolkit.Created(), nil
	}
	return toolkit.Updated(), nil
}

func (ss *session) revokeTeamRole(ctx context.Context, u *user, slug, role string) (toolkit.Effect, error) {
	m, err := ss.teamMembershipOf(ctx, slug, u.Login)
	if err != nil {
		return toolkit.Effect{}, ss.teamNotFound(err, slug)
	}
	held, err := ss.holdsTeamRole(ctx, u, m, role)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if !held {
		if m == nil { // a 404 may mean the team itself is unknown
			if _, err := ss.teamBySlug(ctx, slug); err != nil {
				return toolkit.Effect{}, err
			}
		}
		return toolkit.Noop(), nil
	}
	if _, err := ss.c.Delete(ctx, ss.orgPath("/teams/%s/memberships/%s", pathEscape(slug), pathEscape(u.Login))); err != nil {
		return toolkit.Effect{}, ss.teamNotFound(err, slug)
	}
	return toolkit.Deleted(), nil
}

// ---- repository permissions ----------------------------------------------------------------

// repoNotFound names the repository of a 404 answered to a repository endpoint.
func (ss *session) repoNotFound(err error, name string) error {
	if status(err) != http.StatusNotFound {
		return err
	}
	return errs.Wrap(err, errs.NotFound, fmt.Sprintf("No repository %q in the GitHub organization %q, or these credentials cannot administer it (GitHub answered 404 Not Found).", name, ss.s.Org))
}

// repoRoleOf is u's role on a repository as GitHub reports it (the
// highest from every source), "" for none.
func (ss *session) repoRoleOf(ctx context.Context, u *user, name string) (string, error) {
	var perm struct {
		Permission string `json:"permission"`
		RoleName   string `json:"role_name"`
	}
	if _, err := ss.c.GetJSON(ctx, ss.repoPath(name, "/collaborators/%s/permission", pathEscape(u.Login)), &perm); err != nil {
		return "", ss.repoNotFound(err, name)
	}
	if perm.RoleName == "" || perm.RoleName == "none" {
		if perm.Permission == "none" || perm.Permission == "" {
			return "", nil
		}
		return repoRoleID(perm.Permission), nil
	}
	return repoRoleID(perm.RoleName), nil
}

// grantRepoRole makes u a direct collaborator with the role; GitHub sends
// a non-member a repository invitation (201) and just updates anyone else
// (204).
func (ss *session) grantRepoRole(ctx context.Context, u *user, name, role string) (toolkit.Effect, error) {
	cur, err := ss.repoRoleOf(ctx, u, name)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if cur == role {
		return toolkit.Noop(), nil
	}
	resp, err := ss.c.PutJSON(ctx, ss.repoPath(name, "/collaborators/%s", pathEscape(u.Login)), map[string]string{"permission": repoRoleAPI(role)}, nil)
	if err != nil {
		return toolkit.Effect{}, ss.repoNotFound(err, name)
	}
	if cur == "" || resp.StatusCode == http.StatusCreated {
		return toolkit.Created(), nil
	}
	return toolkit.Updated(), nil
}

// revokeRepoRole removes u's direct grant when GitHub reports the role.
// Access u has through a team, an organization role or the base
// permission stays: revoke those where they come from.
func (ss *session) revokeRepoRole(ctx context.Context, u *user, name, role string) (toolkit.Effect, error) {
	cur, err := ss.repoRoleOf(ctx, u, name)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if cur != role {
		return toolkit.Noop(), nil
	}
	if _, err := ss.c.Delete(ctx, ss.repoPath(name, "/collaborators/%s", pathEscape(u.Login))); err != nil {
		return toolkit.Effect{}, ss.repoNotFound(err, name)
	}
	return toolkit.Deleted(), nil
}
