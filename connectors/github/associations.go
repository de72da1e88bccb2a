package github

import (
	"context"
	"net/http"
	"strconv"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

type assoc = toolkit.FoundEntitlementAssociation

// teamMember is an item of GET /orgs/{org}/teams/{slug}/members: a
// simple-user with, where the organization has the feature, its role and
// whether the membership is inherited from a child team.
type teamMember struct {
	user
	Role      *string `json:"role"`
	Inherited *bool   `json:"inherited"`
}

// collaborator is an item of GET /repos/{owner}/{repo}/collaborators.
type collaborator struct {
	user
	RoleName    string          `json:"role_name"`
	Permissions map[string]bool `json:"permissions"`
}

// roleOf is the entitlement id of a collaborator's role: GitHub's
// role_name, else the highest of its permissions.
func (c *collaborator) roleOf() string {
	if c.RoleName != "" {
		return repoRoleID(c.RoleName)
	}
	for i := len(repoRoles) - 1; i >= 0; i-- {
		if c.Permissions[repoRoles[i].api] {
			return repoRoles[i].id
		}
	}
	return ""
}

// direct reports a membership held on the team itself (not inherited
// through a child team, which GitHub also lists).
func (m *teamMember) direct() bool { return m.Inherited == nil || !*m.Inherited }

func (m *teamMember) role() string {
	if m.Role != nil && *m.Role != "" {
		return *m.Role
	}
	return "member" // GitHub Enterprise Server releases without the field
}

func (ss *session) teamMembersPath(slug string) string {
	return ss.orgPath("/teams/%s/members?role=all&per_page=%d", pathEscape(slug), maxPerPage)
}

func (ss *session) collaboratorsPath(repo string) string {
	return ss.repoPath(repo, "/collaborators?affiliation=direct&per_page=%d", maxPerPage)
}

func (ss *session) teamMembersPage(ctx context.Context, path, resource string) ([]assoc, string, error) {
	ms, next, err := getList(ctx, ss, path, (*teamMember).check)
	if err != nil {
		return nil, "", err
	}
	out := make([]assoc, 0, len(ms))
	for i := range ms {
		if ms[i].direct() {
			out = append(out, assoc{AccountID: strconv.FormatInt(ms[i].ID, 10), IntegrationSpecificEntitlementID: ms[i].role(), IntegrationSpecificResourceID: resource})
		}
	}
	return out, next, nil
}

func (ss *session) collaboratorsPage(ctx context.Context, path, resource string) ([]assoc, string, error) {
	cs, next, err := getList(ctx, ss, path, (*collaborator).check)
	if err != nil {
		return nil, "", err
	}
	out := make([]assoc, 0, len(cs))
	for i := range cs {
		if role := cs[i].roleOf(); role != "" {
			out = append(out, assoc{AccountID: strconv.FormatInt(cs[i].ID, 10), IntegrationSpecificEntitlementID: role, IntegrationSpecificResourceID: resource})
		}
	}
	return out, next, nil
}

// ---- find_entitlement_associations ---------------------------------------------------

func findEntitlementAssociations(ctx context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	l := newLister[assoc](ss, toolkit.CapFindEntitlementAssociations.Name(), req.Page)
	orgRole := func(githubRole, ent string) paginate.Phase[assoc] {
		return paginate.Flat[assoc]{First: ss.orgPath("/members?role=%s&per_page=%d", githubRole, l.PerPage),
			FetchNumbered: numbered(ss, (*user).check, func(err error) error { return orgNotFound(err, ss.s.Org) }, each(func(u *user) assoc {
				return assoc{AccountID: strconv.FormatInt(u.ID, 10), IntegrationSpecificEntitlementID: ent, IntegrationSpecificResourceID: ""}
			}))}
	}
	l.Phases = []paginate.Phase[assoc]{
		orgRole("admin", "owner"),
		orgRole("member", "member"),
		paginate.Nested[team, assoc]{First: ss.teamsFirst(maxPerPage), Outer: ss.teamsPage,
			InnerFirst: func(t team) string { return ss.teamMembersPath(t.Slug) },
			Inner: func(ctx context.Context, t team, path string) ([]assoc, string, error) {
				return vanished(ss.teamMembersPage(ctx, path, teamPrefix+t.Slug))
			}},
		paginate.Nested[repo, assoc]{First: ss.reposFirst(maxPerPage), Outer: ss.reposPage,
			InnerFirst: func(r repo) string { return ss.collaboratorsPath(r.Name) },
			Inner: func(ctx context.Context, r repo, path string) ([]assoc, string, error) {
				return vanished(ss.collaboratorsPage(ctx, path, repoPrefix+r.Name))
			}},
	}
	found, page, err := l.run(ctx, req.Page)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	return toolkit.FindEntitlementAssociationsResponse{Response: found, Page: page}, nil
}

// ---- get_account_entitlement_associations ---------------------------------------------------

func getAccountEntitlementAssociations(ctx context.Context, req toolkit.GetAccountEntitlementAssociationsRequest) (toolkit.GetAccountEntitlementAssociationsResponse, error) {
	var none toolkit.GetAccountEntitlementAssociationsResponse
	ref, err := parseAccountID(req.Request.AccountID)
	if err != nil {
		return none, err
	}
	ss, err := newSession(ctx, req)
	if err != nil {
		return none, err
	}
	out := []assoc{}
	if ref.invitationID != 0 {
		// A pending invitation holds nothing until it is accepted; check it exists.
		if _, _, err := ss.account(ctx, ref); err != nil {
			return none, err
		}
		return toolkit.GetAccountEntitlementAssociationsResponse{Response: out}, nil
	}
	u, err := ss.userByID(ctx, ref.userID)
	if err != nil {
		return none, err
	}
	accountID := strconv.FormatInt(u.ID, 10)
	m, err := ss.membershipOf(ctx, u.Login)
	if err != nil {
		return none, orgNotFound(err, ss.s.Org)
	}
	member := m != nil && m.State == "active" && (m.Role == "admin" || m.Role == "member")
	if member {
		out = append(out, assoc{AccountID: accountID, IntegrationSpecificEntitlementID: orgRoleName(m.Role), IntegrationSpecificResourceID: ""})
		teams, err := ss.teamAssocs(ctx, u)
		if err != nil {
			return none, err
		}
		out = append(out, teams...)
	}
	repos, err := ss.repoAssocs(ctx, accountID)
	if err != nil {
		return none, err
	}
	out = append(out, repos...)
	return toolkit.GetAccountEntitlementAssociationsResponse{Response: out}, nil
}

// teamAssocs are u's direct team roles: one membership check per team; a
// team the user belongs to is then listed to tell a direct membership from
// an inherited one.
func (ss *session) teamAssocs(ctx context.Context, u *user) ([]assoc, error) {
	var out []assoc
	accountID := strconv.FormatInt(u.ID, 10)
	err := scan(ss.teamsFirst(maxPerPage), func(path string) (string, bool, error) {
		ts, next, err := ss.teamsPage(ctx, path)
		if err != nil {
			return "", false, err
		}
		for _, t := range ts {
			a, err := ss.teamRoleOf(ctx, t.Slug, u)
			if err != nil {
				return "", false, err
			}
			if a != "" {
				out = append(out, assoc{AccountID: accountID, IntegrationSpecificEntitlementID: a, IntegrationSpecificResourceID: teamPrefix + t.Slug})
			}
		}
		return next, false, nil
	})
	return out, err
}

// repoAssocs are the account's direct repository grants: the direct
// collaborators of each repository.
func (ss *session) repoAssocs(ctx context.Context, accountID string) ([]assoc, error) {
	var out []assoc
	err := scan(ss.reposFirst(maxPerPage), func(path string) (string, bool, error) {
		rs, next, err := ss.reposPage(ctx, path)
		if err != nil {
			return "", false, err
		}
		for _, r := range rs {
			err := scan(ss.collaboratorsPath(r.Name), func(cpath string) (string, bool, error) {
				as, cnext, err := ss.collaboratorsPage(ctx, cpath, repoPrefix+r.Name)
				if status(err) == http.StatusNotFound {
					return "", true, nil
				}
				for _, a := range as {
					if a.AccountID == accountID {
						out = append(out, a)
					}
				}
				return cnext, false, err
			})
			if err != nil {
				return "", false, err
			}
		}
		return next, false, nil
	})
	return out, err
}

// teamMembership is GitHub's team-membership.
type teamMembership struct {
	Role  string `json:"role"`  // member, maintainer
	State string `json:"state"` // active, pending
}

// teamMembershipOf reads login's membership of a team; nil when none.
func (ss *session) teamMembershipOf(ctx context.Context, slug, login string) (*teamMembership, error) {
	var m teamMembership
	if _, err := ss.c.GetJSON(ctx, ss.orgPath("/teams/%s/memberships/%s", pathEscape(slug), pathEscape(login)), &m); err != nil {
		if status(err) == http.StatusNotFound {
			return nil, nil
		}
		return nil, err
	}
	return &m, nil
}

// teamRoleOf is u's direct, active role on a team, or "".
func (ss *session) teamRoleOf(ctx context.Context, slug string, u *user) (string, error) {
	m, err := ss.teamMembershipOf(ctx, slug, u.Login)
	if err != nil || m == nil || m.State != "active" {
		return "", err
	}
	role := ""
	err = scan(ss.teamMembersPath(slug), func(path string) (string, bool, error) {
		ms, next, err := getList(ctx, ss, path, (*teamMember).check)
		if err != nil {
			return "", false, err
		}
		for i := range ms {
			if ms[i].ID == u.ID {
				if ms[i].direct() {
					role = ms[i].role()
				}
				return "", true, nil
			}
		}
		return next, false, nil
	})
	return role, err
}
