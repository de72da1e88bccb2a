package githubfake

import (
	"net/http"
	"strings"
)

func (c *reqCtx) listTeams() {
	o := c.lookupOrg("org")
	if o == nil {
		return
	}
	typ, ok := c.enumQuery("Team", "team_type", "all", "enterprise", "organization")
	if !ok {
		return
	}
	var items []obj
	if typ != "enterprise" {
		for _, t := range o.sortedTeams() {
			items = append(items, c.teamObj(o, t))
		}
	}
	c.list(items)
}

func (c *reqCtx) getTeam() {
	o, t, ok := c.orgTeam()
	if !ok {
		return
	}
	c.writeJSON(http.StatusOK, c.teamFull(o, t))
}

// teamRole is the role GitHub reports: organization owners are maintainers.
func teamRole(o *org, uid int64, role string) string {
	if o.isOwner(uid) {
		return "maintainer"
	}
	return role
}

type teamMember struct {
	uid       int64
	role      string
	inherited bool
}

// teamMembers are t's members including child teams' members (inherited).
func (o *org) teamMembers(t *team) []teamMember {
	seen := map[int64]bool{}
	var out []teamMember
	for i, x := range o.descendants(t) {
		for _, uid := range sortedKeys(x.members) {
			if seen[uid] {
				continue
			}
			seen[uid] = true
			out = append(out, teamMember{uid: uid, role: teamRole(o, uid, x.members[uid]), inherited: i > 0})
		}
	}
	return out
}

func (c *reqCtx) listTeamMembers() {
	o, t, ok := c.orgTeam()
	if !ok {
		return
	}
	role, ok := c.enumQuery("Team", "role", "all", "member", "maintainer")
	if !ok {
		return
	}
	var items []obj
	for _, m := range o.teamMembers(t) {
		if role != "all" && m.role != role {
			continue
		}
		u := c.userByID(m.uid)
		u["role"] = m.role
		u["inherited"] = m.inherited
		items = append(items, u)
	}
	c.list(items)
}

func (c *reqCtx) getTeamMembership() {
	o, t, ok := c.orgTeam()
	if !ok {
		return
	}
	u := c.lookupUser("username")
	if u == nil {
		return
	}
	for _, m := range o.teamMembers(t) {
		if m.uid == u.id {
			c.writeJSON(http.StatusOK, c.teamMembership(o, t, u, m.role, "active"))
			return
		}
	}
	if role, ok := t.pending[u.id]; ok {
		c.writeJSON(http.StatusOK, c.teamMembership(o, t, u, role, "pending"))
		return
	}
	c.notFound()
}

// canManageTeam: owners and the team's maintainers.
func (c *reqCtx) canManageTeam(o *org, t *team) bool {
	if c.owner(o) {
		return true
	}
	return c.who.kind == userPrincipal && t.members[c.who.user.id] == "maintainer"
}

const teamSyncMessage = "This team is synchronized with an identity provider; its membership is managed there."

// manageTeam reports whether the caller may change t's membership; otherwise
// it answers 403 (not a manager of t, or t is synchronized with an IdP).
func (c *reqCtx) manageTeam(o *org, t *team, action string) bool {
	switch {
	case !c.canManageTeam(o, t):
		c.forbidden("You must be an organization owner or team maintainer to " + action + ".")
		return false
	case t.sync:
		c.forbidden(teamSyncMessage)
		return false
	}
	return true
}

func (c *reqCtx) setTeamMembership() {
	o, t, ok := c.orgTeam()
	if !ok {
		return
	}
	u := c.f.userByLogin(c.params["username"])
	if u == nil {
		c.notFound()
		return
	}
	if !c.manageTeam(o, t, "add or update team memberships") {
		return
	}
	body, ok := c.decodeBody(map[string]string{"role": "string"})
	if !ok {
		return
	}
	role, ok := c.enumField(body, "role", "member", "member", "maintainer")
	if !ok {
		return
	}
	if u.typ == "Organization" {
		c.unprocessable("You cannot add an organization to a team.")
		return
	}
	if o.isMember(u.id) {
		t.members[u.id] = role
		c.writeJSON(http.StatusOK, c.teamMembership(o, t, u, teamRole(o, u.id, role), "active"))
		return
	}
	// Not a member: GitHub invites the user to the organization and the team
	// membership stays pending until the invitation is accepted.
	c.f.expireInvites(o)
	in := c.pendingInvite(o, u.id)
	if in == nil {
		in = &invitation{id: c.f.id("invitation"), userID: u.id, role: "direct_member", inviter: c.actor(o), created: c.f.now(), source: "member"}
		o.invites[in.id] = in
	}
	found := false
	for _, id := range in.teams {
		found = found || id == t.id
	}
	if !found {
		in.teams = append(in.teams, t.id)
	}
	t.pending[u.id] = role
	c.writeJSON(http.StatusOK, c.teamMembership(o, t, u, role, "pending"))
}

func (c *reqCtx) removeTeamMembership() {
	o, t, ok := c.orgTeam()
	if !ok {
		return
	}
	u := c.lookupUser("username")
	if u == nil {
		return
	}
	if !c.manageTeam(o, t, "remove team memberships") {
		return
	}
	if _, ok := t.members[u.id]; ok {
		delete(t.members, u.id)
		c.noContent()
		return
	}
	if _, ok := t.pending[u.id]; ok {
		delete(t.pending, u.id)
		if in := c.pendingInvite(o, u.id); in != nil {
			teams := in.teams[:0]
			for _, id := range in.teams {
				if id != t.id {
					teams = append(teams, id)
				}
			}
			in.teams = teams
		}
		c.noContent()
		return
	}
	c.notFound()
}

// teamRepoPerm is t's permission on r, including what it inherits from its
// parent teams.
func (c *reqCtx) teamRepoPerm(o *org, t *team, r *repo) (string, int) {
	best, level := "", 0
	for x := t; x != nil; x = o.teams[x.parent] {
		if p, ok := x.repos[r.id]; ok {
			if l := c.f.repoPermLevel(o, p); l > level {
				best, level = p, l
			}
		}
	}
	return best, level
}

func (c *reqCtx) listTeamRepos() {
	o, t, ok := c.orgTeam()
	if !ok {
		return
	}
	var items []obj
	for _, r := range o.sortedRepos() {
		if p, level := c.teamRepoPerm(o, t, r); level > 0 {
			items = append(items, c.minimalRepository(o, r, level, roleName(p)))
		}
	}
	c.list(items)
}

// teamRepoParams resolves {org}, {team_slug}, {owner}/{repo}; the repository
// must belong to the team's organization.
func (c *reqCtx) teamRepoParams() (*org, *team, *repo) {
	o, t, ok := c.orgTeam()
	if !ok {
		return nil, nil, nil
	}
	if !strings.EqualFold(c.params["owner"], c.f.users[o.id].login) {
		c.notFound()
		return nil, nil, nil
	}
	r := c.lookupRepo(o)
	if r == nil {
		return nil, nil, nil
	}
	return o, t, r
}

func (c *reqCtx) checkTeamRepo() {
	o, t, r := c.teamRepoParams()
	if r == nil {
		return
	}
	p, level := c.teamRepoPerm(o, t, r)
	if level == 0 {
		c.notFound()
		return
	}
	if strings.Contains(c.r.Header.Get("Accept"), "application/vnd.github.v3.repository+json") {
		c.writeJSON(http.StatusOK, c.teamRepository(o, r, level, roleName(p)))
		return
	}
	c.noContent()
}

func (c *reqCtx) setTeamRepo() {
	o, t, r := c.teamRepoParams()
	if r == nil || !c.ownerOf(o, "") {
		return
	}
	body, ok := c.decodeBody(map[string]string{"permission": "string"})
	if !ok {
		return
	}
	perm := "pull" // the team's `permission` attribute
	if p, ok := body["permission"].(string); ok {
		perm = p
	}
	if c.f.repoPermLevel(o, perm) == 0 {
		c.validationFailed(fieldError{Resource: "Team", Field: "permission", Code: "invalid", Value: perm})
		return
	}
	t.repos[r.id] = canonicalPerm(perm)
	c.noContent()
}

func (c *reqCtx) removeTeamRepo() {
	o, t, r := c.teamRepoParams()
	if r == nil || !c.ownerOf(o, "") {
		return
	}
	delete(t.repos, r.id)
	c.noContent()
}
