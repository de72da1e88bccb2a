package githubfake

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"time"
)

// JSON shapes of GitHub's schemas (simple-user, organization-full, team,
// minimal-repository, ...). Field sets follow the trimmed description; the
// validating tests check every one of them.

type obj = map[string]any

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// nodeID is the legacy global node id: base64("0<len(type)>:<Type><id>").
func nodeID(typ string, id int64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "0%d:%s%d", len(typ), typ, id))
}

func avatar(id int64) string {
	return "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(id, 10) + "?v=4"
}

func (c *reqCtx) simpleUser(u *user) obj {
	api := c.api + "/users/" + u.login
	typ := u.typ
	return obj{
		"login":               u.login,
		"id":                  u.id,
		"node_id":             nodeID(typ, u.id),
		"avatar_url":          avatar(u.id),
		"gravatar_id":         "",
		"url":                 api,
		"html_url":            c.web + "/" + u.login,
		"followers_url":       api + "/followers",
		"following_url":       api + "/following{/other_user}",
		"gists_url":           api + "/gists{/gist_id}",
		"starred_url":         api + "/starred{/owner}{/repo}",
		"subscriptions_url":   api + "/subscriptions",
		"organizations_url":   api + "/orgs",
		"repos_url":           api + "/repos",
		"events_url":          api + "/events{/privacy}",
		"received_events_url": api + "/received_events",
		"type":                typ,
		"user_view_type":      "public",
		"site_admin":          u.siteAdmin,
	}
}

func (c *reqCtx) userByID(id int64) obj { return c.simpleUser(c.f.users[id]) }

// publicUser is another account's profile as GET /users/{username} and
// GET /user/{account_id} show it (public-user, user_view_type public). The
// fake's e-mail addresses are never public, so email is null.
func (c *reqCtx) publicUser(u *user) obj {
	m := c.simpleUser(u)
	name := u.name
	if o := c.f.orgs[u.id]; o != nil && u.typ == "Organization" {
		name = o.name
	}
	for k, v := range (obj{
		"name": nilIfEmpty(name), "company": nil, "blog": "", "location": nil, "email": nil, "hireable": nil,
		"bio": nil, "twitter_username": nil, "public_repos": 0, "public_gists": 0, "followers": 0,
		"following": 0, "created_at": ts(u.created), "updated_at": ts(u.created),
	}) {
		m[k] = v
	}
	return m
}

// userView is an account as GET /users/{username} and GET /user/{account_id}
// show it to the caller: private-user for a user token asking about its own
// account, public-user otherwise.
func (c *reqCtx) userView(u *user) obj {
	if c.who.kind == userPrincipal && c.who.user.id == u.id {
		return c.privateUser(u)
	}
	return c.publicUser(u)
}

// privateUser is GET /user (private-user, user_view_type private).
func (c *reqCtx) privateUser(u *user) obj {
	m := c.publicUser(u)
	owned := 0
	for _, o := range c.f.orgs {
		if o.isOwner(u.id) {
			owned++
		}
	}
	m["user_view_type"] = "private"
	for k, v := range (obj{
		"email": nilIfEmpty(u.email), "private_gists": 0,
		"total_private_repos": 0, "owned_private_repos": 0, "disk_usage": 0, "collaborators": 0,
		"two_factor_authentication": u.twoFactor != "disabled",
		"plan":                      obj{"name": "free", "space": 976562499, "private_repos": 10000, "collaborators": 0},
	}) {
		m[k] = v
	}
	return m
}

func (c *reqCtx) orgURLs(o *org) (string, obj) {
	u := c.f.users[o.id]
	api := c.api + "/orgs/" + u.login
	return api, obj{
		"login":              u.login,
		"id":                 o.id,
		"node_id":            nodeID("Organization", o.id),
		"url":                api,
		"repos_url":          api + "/repos",
		"events_url":         api + "/events",
		"hooks_url":          api + "/hooks",
		"issues_url":         api + "/issues",
		"members_url":        api + "/members{/member}",
		"public_members_url": api + "/public_members{/member}",
		"avatar_url":         avatar(o.id),
		"description":        nilIfEmpty(o.description),
	}
}

// organizationSimple is organization-simple.
func (c *reqCtx) organizationSimple(o *org) obj {
	_, m := c.orgURLs(o)
	return m
}

// organizationFull is organization-full (GET /orgs/{org}); owner-only fields
// are included when the caller is an owner or an installation.
func (c *reqCtx) organizationFull(o *org, privileged bool) obj {
	_, m := c.orgURLs(o)
	login := c.f.users[o.id].login
	pub := 0
	for _, r := range o.repos {
		if !r.private {
			pub++
		}
	}
	for k, v := range (obj{
		"name": o.name, "html_url": c.web + "/" + login, "created_at": ts(o.created), "updated_at": ts(o.created),
		"archived_at": nil, "type": "Organization", "has_organization_projects": true, "has_repository_projects": true,
		"public_repos": pub, "public_gists": 0, "followers": 0, "following": 0, "is_verified": false,
	}) {
		m[k] = v
	}
	if privileged {
		priv := len(o.repos) - pub
		for k, v := range (obj{
			"total_private_repos": priv, "owned_private_repos": priv, "private_gists": 0, "disk_usage": 0,
			"collaborators": len(o.outsideCollaborators()), "billing_email": nil, "default_repository_permission": o.base,
			"members_can_create_repositories": true, "two_factor_requirement_enabled": false,
			"members_allowed_repository_creation_type": "all",
			"plan": obj{"name": "team", "space": 976562499, "private_repos": 999999, "filled_seats": len(o.members), "seats": len(o.members)},
		}) {
			m[k] = v
		}
	}
	return m
}

// teamOrganization is team-organization (inside team-full).
func (c *reqCtx) teamOrganization(o *org) obj {
	m := c.organizationFull(o, false)
	delete(m, "is_verified")
	return m
}

func (c *reqCtx) teamSimple(o *org, t *team) obj {
	login := c.f.users[o.id].login
	api := fmt.Sprintf("%s/organizations/%d/team/%d", c.api, o.id, t.id)
	var desc any
	if t.description != "" {
		desc = t.description
	}
	return obj{
		"id":                   t.id,
		"node_id":              nodeID("Team", t.id),
		"url":                  api,
		"html_url":             c.web + "/orgs/" + login + "/teams/" + t.slug,
		"name":                 t.name,
		"slug":                 t.slug,
		"description":          desc,
		"privacy":              t.privacy,
		"notification_setting": "notifications_enabled",
		"permission":           "pull",
		"members_url":          api + "/members{/member}",
		"repositories_url":     api + "/repos",
		"type":                 "organization",
		"organization_id":      o.id,
	}
}

// team is the team schema (lists), with parent.
func (c *reqCtx) teamObj(o *org, t *team) obj {
	m := c.teamSimple(o, t)
	m["parent"] = nil
	if p := o.teams[t.parent]; p != nil {
		m["parent"] = c.teamSimple(o, p)
	}
	return m
}

func (c *reqCtx) teamFull(o *org, t *team) obj {
	m := c.teamObj(o, t)
	m["members_count"] = len(t.members)
	m["repos_count"] = len(t.repos)
	m["created_at"] = ts(t.created)
	m["updated_at"] = ts(t.created)
	m["organization"] = c.teamOrganization(o)
	return m
}

var repoURLTemplates = [][2]string{
	{"archive_url", "/{archive_format}{/ref}"}, {"assignees_url", "/assignees{/user}"},
	{"blobs_url", "/git/blobs{/sha}"}, {"branches_url", "/branches{/branch}"},
	{"collaborators_url", "/collaborators{/collaborator}"}, {"comments_url", "/comments{/number}"},
	{"commits_url", "/commits{/sha}"}, {"compare_url", "/compare/{base}...{head}"},
	{"contents_url", "/contents/{+path}"}, {"contributors_url", "/contributors"},
	{"deployments_url", "/deployments"}, {"downloads_url", "/downloads"}, {"events_url", "/events"},
	{"forks_url", "/forks"}, {"git_commits_url", "/git/commits{/sha}"}, {"git_refs_url", "/git/refs{/sha}"},
	{"git_tags_url", "/git/tags{/sha}"}, {"hooks_url", "/hooks"}, {"issue_comment_url", "/issues/comments{/number}"},
	{"issue_events_url", "/issues/events{/number}"}, {"issues_url", "/issues{/number}"}, {"keys_url", "/keys{/key_id}"},
	{"labels_url", "/labels{/name}"}, {"languages_url", "/languages"}, {"merges_url", "/merges"},
	{"milestones_url", "/milestones{/number}"}, {"notifications_url", "/notifications{?since,all,participating}"},
	{"pulls_url", "/pulls{/number}"}, {"releases_url", "/releases{/id}"}, {"stargazers_url", "/stargazers"},
	{"statuses_url", "/statuses/{sha}"}, {"subscribers_url", "/subscribers"}, {"subscription_url", "/subscription"},
	{"tags_url", "/tags"}, {"teams_url", "/teams"}, {"trees_url", "/git/trees{/sha}"},
}

// minimalRepository is minimal-repository; level > 0 adds permissions and
// role_name (for the caller or a team).
func (c *reqCtx) minimalRepository(o *org, r *repo, level int, role string) obj {
	login := c.f.users[o.id].login
	full := login + "/" + r.name
	api := c.api + "/repos/" + full
	host := c.webHost()
	var desc any
	if r.description != "" {
		desc = r.description
	}
	m := obj{
		"id": r.id, "node_id": nodeID("Repository", r.id), "name": r.name, "full_name": full,
		"owner": c.simpleUser(c.f.users[o.id]), "private": r.private, "visibility": r.visibility,
		"html_url": c.web + "/" + full, "description": desc, "fork": r.fork, "url": api,
		"archived": r.archived, "disabled": false, "created_at": ts(r.created), "updated_at": ts(r.created),
		"pushed_at": ts(r.created), "homepage": nil, "language": nil, "default_branch": "main",
		"git_url": "git://" + host + "/" + full + ".git", "ssh_url": "git@" + host + ":" + full + ".git",
		"clone_url": c.web + "/" + full + ".git", "svn_url": c.web + "/" + full, "mirror_url": nil,
		"size": 0, "stargazers_count": 0, "watchers_count": 0, "forks_count": 0, "open_issues_count": 0,
		"forks": 0, "open_issues": 0, "watchers": 0, "has_issues": true, "has_projects": true,
		"has_wiki": true, "has_pages": false, "has_downloads": true, "has_discussions": false,
		"is_template": false, "topics": []string{}, "license": nil, "allow_forking": !r.private,
		"web_commit_signoff_required": false,
	}
	for _, t := range repoURLTemplates {
		m[t[0]] = api + t[1]
	}
	if level > 0 {
		m["permissions"] = permissionsObject(level)
		m["role_name"] = role
	}
	return m
}

// teamRepository is team-repository (GET team repo check with the
// repository media type).
func (c *reqCtx) teamRepository(o *org, r *repo, level int, role string) obj {
	m := c.minimalRepository(o, r, level, role)
	m["owner"] = c.simpleUser(c.f.users[o.id])
	m["allow_rebase_merge"] = true
	m["allow_squash_merge"] = true
	m["allow_merge_commit"] = true
	m["allow_auto_merge"] = false
	m["delete_branch_on_merge"] = false
	m["network_count"] = 0
	m["subscribers_count"] = 0
	return m
}

func (c *reqCtx) invitation(o *org, in *invitation) obj {
	var login, email any
	if in.userID != 0 {
		login = c.f.users[in.userID].login
	}
	if in.email != "" {
		email = in.email
	}
	m := obj{
		"id": in.id, "node_id": nodeID("OrganizationInvitation", in.id), "login": login, "email": email,
		"role": in.role, "created_at": ts(in.created), "inviter": c.userByID(in.inviter),
		"team_count":           len(in.teams),
		"invitation_teams_url": fmt.Sprintf("%s/organizations/%d/invitations/%d/teams", c.api, o.id, in.id),
		"invitation_source":    in.source,
	}
	if !in.failed.IsZero() {
		m["failed_at"] = ts(in.failed)
		m["failed_reason"] = in.reason
	}
	return m
}

func (c *reqCtx) orgMembership(o *org, u *user, role, state string) obj {
	api, _ := c.orgURLs(o)
	return obj{
		"url":               api + "/memberships/" + u.login,
		"state":             state,
		"role":              role,
		"organization_url":  api,
		"organization":      c.organizationSimple(o),
		"user":              c.simpleUser(u),
		"direct_membership": true,
		"permissions":       obj{"can_create_repository": state == "active" && role != "billing_manager"},
	}
}

func (c *reqCtx) teamMembership(o *org, t *team, u *user, role, state string) obj {
	return obj{
		"url":   fmt.Sprintf("%s/organizations/%d/team/%d/memberships/%s", c.api, o.id, t.id, u.login),
		"role":  role,
		"state": state,
	}
}

func (c *reqCtx) collaborator(o *org, r *repo, u *user) obj {
	level, role := c.f.effective(o, r, u.id)
	m := c.simpleUser(u)
	m["permissions"] = permissionsObject(level)
	m["role_name"] = role
	return m
}

func (c *reqCtx) orgRole(o *org, r *orgRole) obj {
	var base, desc any
	if r.base != "" {
		base = r.base
	}
	if r.description != "" {
		desc = r.description
	}
	return obj{
		"id": r.id, "name": r.name, "description": desc, "base_role": base, "source": r.source,
		"permissions": r.permissions, "organization": c.simpleUser(c.f.users[o.id]),
		"created_at": ts(r.created), "updated_at": ts(r.created),
	}
}

func (c *reqCtx) repoInvitation(o *org, r *repo, in *repoInvite) obj {
	full := c.f.users[o.id].login + "/" + r.name
	perm := roleName(in.perm)
	if permLevel(perm) == 0 { // custom role: reported by its base
		perm = roleName(o.repoRoles[in.perm])
	}
	return obj{
		"id": in.id, "node_id": nodeID("RepositoryInvitation", in.id),
		"repository": c.minimalRepository(o, r, 0, ""),
		"invitee":    c.userByID(in.invitee), "inviter": c.userByID(in.inviter),
		"permissions": perm, "created_at": ts(in.created), "expired": false,
		"url":      c.api + "/user/repository_invitations/" + strconv.FormatInt(in.id, 10),
		"html_url": c.web + "/" + full + "/invitations",
	}
}

func (c *reqCtx) installation(in *installation) obj {
	a := c.f.apps[in.app]
	o := c.f.orgs[in.org]
	login := c.f.users[o.id].login
	var suspendedAt any
	if !in.suspended.IsZero() {
		suspendedAt = ts(in.suspended)
	}
	m := obj{
		"id": in.id, "app_id": a.id, "app_slug": a.slug, "target_id": o.id, "target_type": "Organization",
		"account":              c.simpleUser(c.f.users[o.id]),
		"access_tokens_url":    fmt.Sprintf("%s/app/installations/%d/access_tokens", c.api, in.id),
		"repositories_url":     c.api + "/installation/repositories",
		"html_url":             fmt.Sprintf("%s/organizations/%s/settings/installations/%d", c.web, login, in.id),
		"repository_selection": "all", "permissions": in.perms, "events": []string{},
		"created_at": ts(in.created), "updated_at": ts(in.created),
		"single_file_name": nil, "suspended_by": nil, "suspended_at": suspendedAt,
	}
	if a.clientID != "" {
		m["client_id"] = a.clientID
	}
	return m
}

func (c *reqCtx) webHost() string {
	return c.r.Host
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
