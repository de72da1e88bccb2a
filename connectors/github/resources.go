package github

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// Resource id prefixes: a team is "team:<slug>", a repository "repo:<name>".
const (
	teamPrefix = "team:"
	repoPrefix = "repo:"
)

// Built-in repository roles, as entitlement ids (GitHub's role_name), and
// the permission names the API takes for them.
var repoRoles = []struct{ id, api, label, desc string }{
	{"read", "pull", "Read", "Read and clone the repository; open and comment on issues and pull requests."},
	{"triage", "triage", "Triage", "Read, and manage issues and pull requests without write access."},
	{"write", "push", "Write", "Read, clone and push to the repository."},
	{"maintain", "maintain", "Maintain", "Write, and manage the repository without access to sensitive or destructive actions."},
	{"admin", "admin", "Admin", "Full access to the repository, including sensitive and destructive actions."},
}

func isBuiltinRepoRole(name string) bool {
	for _, r := range repoRoles {
		if r.id == name || r.api == name {
			return true
		}
	}
	return false
}

// repoRoleAPI is the permission PUT collaborators takes for an entitlement
// id (custom role names go as they are).
func repoRoleAPI(id string) string {
	for _, r := range repoRoles {
		if r.id == id {
			return r.api
		}
	}
	return id
}

// repoRoleID is the entitlement id of a role_name GitHub reports (read,
// write, … or a custom role's name; pull/push just in case).
func repoRoleID(roleName string) string {
	switch roleName {
	case "pull":
		return "read"
	case "push":
		return "write"
	}
	return roleName
}

// repo is the part of GitHub's minimal-repository we use.
type repo struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	FullName    string  `json:"full_name"`
	Description *string `json:"description"`
	Private     bool    `json:"private"`
	Visibility  string  `json:"visibility"`
	Archived    bool    `json:"archived"`
	Fork        bool    `json:"fork"`
	HTMLURL     string  `json:"html_url"`
}

// organization is the part of GitHub's organization-full we use.
type organization struct {
	ID          int64   `json:"id"`
	Login       string  `json:"login"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	HTMLURL     string  `json:"html_url"`
}

func (ss *session) organization(ctx context.Context) (*organization, error) {
	var o organization
	if _, err := ss.c.GetJSON(ctx, ss.orgPath(""), &o); err != nil {
		return nil, orgNotFound(err, ss.s.Org)
	}
	return &o, nil
}

func orgResource(o *organization) toolkit.FoundResourceData {
	label := o.Login
	if o.Name != nil && *o.Name != "" {
		label = *o.Name
	}
	return toolkit.FoundResourceData{IntegrationSpecificID: "", Label: label, Description: o.Description,
		ResourceType: ResourceTypeOrganization, ExtraData: map[string]string{"login": o.Login, "id": strconv.FormatInt(o.ID, 10), "html_url": o.HTMLURL}}
}

func teamResource(t *team) toolkit.FoundResourceData {
	extra := map[string]string{"slug": t.Slug, "id": strconv.FormatInt(t.ID, 10), "privacy": t.Privacy, "html_url": t.HTMLURL}
	if t.Parent != nil {
		extra["parent"] = teamPrefix + t.Parent.Slug
	}
	return toolkit.FoundResourceData{IntegrationSpecificID: teamPrefix + t.Slug, Label: t.Name, Description: t.Description,
		ResourceType: ResourceTypeTeam, ExtraData: extra}
}

func repoResource(r *repo) toolkit.FoundResourceData {
	return toolkit.FoundResourceData{IntegrationSpecificID: repoPrefix + r.Name, Label: r.Name, Description: r.Description,
		ResourceType: ResourceTypeRepository, ExtraData: map[string]string{"full_name": r.FullName, "id": strconv.FormatInt(r.ID, 10),
			"visibility": r.Visibility, "archived": strconv.FormatBool(r.Archived), "fork": strconv.FormatBool(r.Fork), "html_url": r.HTMLURL}}
}

// check refuses a repository entry without an id or a name.
func (r *repo) check() error {
	if r.Name == "" {
		return errors.New("its name is missing")
	}
	return positiveID(r.ID)
}

// check refuses a team entry without an id or a slug.
func (t *team) check() error {
	if t.Slug == "" {
		return errors.New("its slug is missing")
	}
	return positiveID(t.ID)
}

// orgErr reads a 404 of an organization's listing as the organization not found.
func (ss *session) orgErr(err error) error { return orgNotFound(err, ss.s.Org) }

// teamsPage and reposPage read one page of the organization's teams or repositories.
func (ss *session) teamsPage(ctx context.Context, path string) ([]team, string, error) {
	ts, next, err := getList(ctx, ss, path, (*team).check)
	if err != nil {
		return nil, "", orgNotFound(err, ss.s.Org)
	}
	return ts, next, nil
}

func (ss *session) reposPage(ctx context.Context, path string) ([]repo, string, error) {
	rs, next, err := getList(ctx, ss, path, (*repo).check)
	if err != nil {
		return nil, "", orgNotFound(err, ss.s.Org)
	}
	return rs, next, nil
}

func (ss *session) teamsFirst(perPage int) string {
	return ss.orgPath("/teams?per_page=%d", perPage)
}

func (ss *session) reposFirst(perPage int) string {
	return ss.orgPath("/repos?type=all&sort=full_name&per_page=%d", perPage)
}

// ---- list_resources --------------------------------------------------------------------

func listResources(ctx context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	type R = toolkit.FoundResourceData
	l := newLister[R](ss, toolkit.CapListResources.Name(), req.Page)
	l.Phases = []paginate.Phase[R]{
		paginate.Static[R]{Entries: func(ctx context.Context) ([]R, error) {
			o, err := ss.organization(ctx)
			if err != nil {
				return nil, err
			}
			return []R{orgResource(o)}, nil
		}},
		paginate.Flat[R]{First: ss.teamsFirst(l.PerPage), FetchNumbered: numbered(ss, (*team).check, ss.orgErr, each(teamResource))},
		paginate.Flat[R]{First: ss.reposFirst(l.PerPage), FetchNumbered: numbered(ss, (*repo).check, ss.orgErr, each(repoResource))},
	}
	resources, page, err := l.run(ctx, req.Page)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	return toolkit.ListResourcesResponse{Response: resources, Page: page}, nil
}

// ---- list_entitlements -------------------------------------------------------------------

type ent = toolkit.FoundEntitlementData

func entitlement(typ, id, resource, label, desc string) ent {
	return ent{EntitlementType: typ, IntegrationSpecificID: id, IntegrationSpecificResourceID: resource,
		IsAssignable: toolkit.Ptr(true), Label: label, Description: toolkit.Ptr(desc)}
}

func orgEntitlements(org string) []ent {
	return []ent{
		entitlement(EntitlementTypeOrgRole, "owner", "", "Owner of "+org, "Organization owner: full administrative access to the organization, its teams and repositories."),
		entitlement(EntitlementTypeOrgRole, "member", "", "Member of "+org, "Organization member: the organization's base repository permission and the access of their teams."),
	}
}

func teamEntitlements(t *team) []ent {
	id := teamPrefix + t.Slug
	return []ent{
		entitlement(EntitlementTypeTeamRole, "member", id, t.Name+" member", "Member of the team "+t.Name+": the team's repository access."),
		entitlement(EntitlementTypeTeamRole, "maintainer", id, t.Name+" maintainer", "Maintainer of the team "+t.Name+": member, and manages the team's membership and settings."),
	}
}

func repoEntitlements(r *repo, custom []string) []ent {
	id := repoPrefix + r.Name
	out := make([]ent, 0, len(repoRoles)+len(custom))
	for _, role := range repoRoles {
		out = append(out, entitlement(EntitlementTypeRepoPermission, role.id, id, r.Name+" "+strings.ToLower(role.label), role.desc))
	}
	for _, c := range custom {
		out = append(out, entitlement(EntitlementTypeRepoPermission, c, id, r.Name+" "+c, "The custom repository role "+c+"."))
	}
	return out
}

func listEntitlements(ctx context.Context, req toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	l := newLister[ent](ss, toolkit.CapListEntitlements.Name(), req.Page)
	l.Phases = []paginate.Phase[ent]{
		paginate.Static[ent]{Entries: func(context.Context) ([]ent, error) { return orgEntitlements(ss.s.Org), nil }},
		paginate.Flat[ent]{First: ss.teamsFirst(maxPerPage), SizeOf: scaledPerPage(len(teamEntitlements(&team{}))),
			FetchNumbered: numbered(ss, (*team).check, ss.orgErr, func(ts []team) []ent {
				var out []ent
				for i := range ts {
					out = append(out, teamEntitlements(&ts[i])...)
				}
				return out
			})},
		paginate.Flat[ent]{First: ss.reposFirst(maxPerPage), SizeOf: scaledPerPage(len(repoEntitlements(&repo{}, ss.s.CustomRepositoryRoles))),
			FetchNumbered: numbered(ss, (*repo).check, ss.orgErr, func(rs []repo) []ent {
				var out []ent
				for i := range rs {
					out = append(out, repoEntitlements(&rs[i], ss.s.CustomRepositoryRoles)...)
				}
				return out
			})},
	}
	ents, page, err := l.run(ctx, req.Page)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	return toolkit.ListEntitlementsResponse{Response: ents, Page: page}, nil
}

// ---- ids of resources and entitlements in writes ---------------------------------------------

// target is a parsed entitlement of a write.
type target struct {
	typ  string // entitlement type
	id   string // entitlement id
	team string // team slug
	repo string // repository name
}

// pathName reports whether a team slug or repository name can stand as
// one segment of an API path: not empty, and not "." or "..", which a
// server or proxy removing dot segments would read as the parent path
// (team:.. would otherwise reach /orgs/{org}/memberships/{user}).
func pathName(s string) bool { return s != "" && s != "." && s != ".." }

// parseTarget checks an entitlement's type, resource and id against each other.
func parseTarget(ref toolkit.EntitlementRef) (target, error) {
	entType, resourceType, resourceID, entID := ref.EntitlementType, ref.ResourceType, ref.ResourceID, ref.EntitlementID
	t := target{typ: entType, id: entID}
	mismatch := func(want string) error {
		return errs.Newf(errs.NotFound, "The %s entitlement %q is held on %s, not on the resource %q (type %q).", entType, entID, want, resourceID, resourceType)
	}
	switch entType {
	case EntitlementTypeOrgRole:
		if resourceID != "" || (resourceType != "" && resourceType != ResourceTypeOrganization) {
			return t, mismatch("the organization (resource \"\")")
		}
		if entID != "owner" && entID != "member" {
			return t, errs.Newf(errs.NotFound, "Unknown organization role %q: use owner or member.", entID)
		}
	case EntitlementTypeTeamRole:
		slug, ok := strings.CutPrefix(resourceID, teamPrefix)
		if !ok || !pathName(slug) || (resourceType != "" && resourceType != ResourceTypeTeam) {
			return t, mismatch("a team (team:<slug>)")
		}
		if entID != "member" && entID != "maintainer" {
			return t, errs.Newf(errs.NotFound, "Unknown team role %q: use member or maintainer.", entID)
		}
		t.team = slug
	case EntitlementTypeRepoPermission:
		name, ok := strings.CutPrefix(resourceID, repoPrefix)
		if !ok || !pathName(name) || (resourceType != "" && resourceType != ResourceTypeRepository) {
			return t, mismatch("a repository (repo:<name>)")
		}
		if entID == "" {
			return t, errs.New(errs.NotFound, "Empty repository role.")
		}
		t.repo = name
	default:
		return t, errs.Newf(errs.NotFound, "Unknown entitlement type %q: use org_role, team_role or repo_permission.", entType)
	}
	return t, nil
}
