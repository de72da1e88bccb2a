package githubfake

import (
	"net/http"
	"slices"
	"strings"
)

// visible: public repositories, and private ones the caller can access.
func (c *reqCtx) visible(o *org, r *repo) (bool, int, string) {
	switch c.who.kind {
	case installationPrincipal:
		ok := c.who.tok.repos == nil || slices.Contains(c.who.tok.repos, r.id)
		return ok, 0, ""
	case userPrincipal:
		level, role := c.f.effective(o, r, c.who.user.id)
		return !r.private || level > 0 || c.who.user.siteAdmin, level, role
	}
	return !r.private, 0, ""
}

func (c *reqCtx) listOrgRepos() {
	o := c.lookupOrg("org")
	if o == nil {
		return
	}
	typ, ok := c.enumQuery("Repository", "type", "all", "public", "private", "forks", "sources", "member")
	if !ok {
		return
	}
	sortBy, ok := c.enumQuery("Repository", "sort", "created", "updated", "pushed", "full_name")
	if !ok {
		return
	}
	defDir := "desc"
	if sortBy == "full_name" {
		defDir = "asc"
	}
	dir, ok := c.enumQuery("Repository", "direction", defDir, "asc", "desc")
	if !ok {
		return
	}
	repos := o.sortedRepos()
	if sortBy == "full_name" {
		slices.SortStableFunc(repos, func(a, b *repo) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) })
	} else {
		slices.SortStableFunc(repos, func(a, b *repo) int {
			if n := a.created.Compare(b.created); n != 0 {
				return n
			}
			return cmpInt(a.id, b.id)
		})
	}
	if dir == "desc" {
		slices.Reverse(repos)
	}
	var items []obj
	for _, r := range repos {
		ok, level, role := c.visible(o, r)
		if !ok {
			continue
		}
		switch typ {
		case "public":
			ok = !r.private
		case "private":
			ok = r.private
		case "forks":
			ok = r.fork
		case "sources":
			ok = !r.fork
		case "member":
			ok = level > 0
		}
		if ok {
			items = append(items, c.minimalRepository(o, r, level, role))
		}
	}
	c.list(items)
}

// repoParams resolves {owner}/{repo} (organization repositories only).
func (c *reqCtx) repoParams() (*org, *repo) {
	o := c.lookupOrg("owner")
	if o == nil {
		return nil, nil
	}
	r := c.lookupRepo(o)
	if r == nil {
		return nil, nil
	}
	if ok, _, _ := c.visible(o, r); !ok {
		c.notFound()
		return nil, nil
	}
	return o, r
}

// repoUser resolves {owner}/{repo} and {username}; u is nil once answered.
func (c *reqCtx) repoUser() (*org, *repo, *user) {
	o, r := c.repoParams()
	if r == nil {
		return nil, nil, nil
	}
	return o, r, c.lookupUser("username")
}

// callerLevel is the caller's permission level on r (installations: admin).
func (c *reqCtx) callerLevel(o *org, r *repo) int {
	switch c.who.kind {
	case installationPrincipal:
		return 5
	case userPrincipal:
		if c.who.user.siteAdmin {
			return 5
		}
		l, _ := c.f.effective(o, r, c.who.user.id)
		return l
	}
	return 0
}

// candidates are every user who may have access to a repository of o.
func (o *org) candidates(r *repo) []int64 {
	set := map[int64]bool{}
	for id := range o.members {
		set[id] = true
	}
	for id := range r.collabs {
		set[id] = true
	}
	for _, t := range o.teams {
		for id := range t.members {
			set[id] = true
		}
	}
	for _, role := range o.roles {
		for id := range role.users {
			set[id] = true
		}
	}
	return sortedKeys(set)
}

func (c *reqCtx) listCollaborators() {
	o, r := c.repoParams()
	if r == nil {
		return
	}
	if c.callerLevel(o, r) < 3 {
		c.notFound() // GitHub: push access needed; 403 is not documented here
		return
	}
	aff, ok := c.enumQuery("Repository", "affiliation", "all", "outside", "direct")
	if !ok {
		return
	}
	perm := c.r.URL.Query().Get("permission")
	if perm != "" && !slices.Contains([]string{"pull", "triage", "push", "maintain", "admin"}, perm) {
		c.validationFailed(fieldError{Resource: "Repository", Field: "permission", Code: "invalid", Value: perm})
		return
	}
	var items []obj
	for _, uid := range o.candidates(r) {
		_, direct := r.collabs[uid]
		switch aff {
		case "direct":
			if !direct {
				continue
			}
		case "outside":
			if !direct || o.isMember(uid) {
				continue
			}
		}
		level, _ := c.f.effective(o, r, uid)
		if level == 0 || (perm != "" && level != permLevel(perm)) {
			continue
		}
		items = append(items, c.collaborator(o, r, c.f.users[uid]))
	}
	c.list(items)
}

func (c *reqCtx) checkCollaborator() {
	o, r, u := c.repoUser()
	if u == nil {
		return
	}
	if level, _ := c.f.effective(o, r, u.id); level == 0 {
		c.notFound()
		return
	}
	c.noContent()
}

func (c *reqCtx) addCollaborator() {
	o, r := c.repoParams()
	if r == nil {
		return
	}
	u := c.f.userByLogin(c.params["username"])
	if u == nil {
		c.notFound()
		return
	}
	if c.callerLevel(o, r) < 5 {
		c.forbidden("Must have admin rights to Repository.")
		return
	}
	body, ok := c.decodeBody(map[string]string{"permission": "string"})
	if !ok {
		return
	}
	perm := "push"
	if p, ok := body["permission"].(string); ok {
		perm = p
	}
	if c.f.repoPermLevel(o, perm) == 0 {
		c.validationFailed(fieldError{Resource: "Repository", Field: "permission", Code: "invalid", Value: perm})
		return
	}
	perm = canonicalPerm(perm)
	if u.typ == "Organization" {
		c.validationFailed(fieldError{Resource: "Repository", Field: "collaborator", Code: "invalid", Message: "An organization cannot be a collaborator."})
		return
	}
	if _, direct := r.collabs[u.id]; direct || o.isMember(u.id) {
		r.collabs[u.id] = perm
		c.noContent()
		return
	}
	in := r.invites[u.id]
	if in == nil {
		in = &repoInvite{id: c.f.id("repo-invitation"), invitee: u.id, inviter: c.actor(o), created: c.f.now()}
		r.invites[u.id] = in
	}
	in.perm = perm
	c.writeJSON(http.StatusCreated, c.repoInvitation(o, r, in))
}

func (c *reqCtx) removeCollaborator() {
	o, r, u := c.repoUser()
	if u == nil {
		return
	}
	if c.callerLevel(o, r) < 5 && !(c.who.kind == userPrincipal && c.who.user.id == u.id) {
		c.forbidden("Must have admin rights to Repository.")
		return
	}
	delete(r.collabs, u.id)
	delete(r.invites, u.id)
	c.noContent()
}

func (c *reqCtx) collaboratorPermission() {
	o, r, u := c.repoUser()
	if u == nil {
		return
	}
	level, role := c.f.effective(o, r, u.id)
	if level == 0 {
		role = "none"
	}
	c.writeJSON(http.StatusOK, obj{"permission": legacyPerm(level), "role_name": role, "user": c.collaborator(o, r, u)})
}

func (c *reqCtx) listRepoTeams() {
	o, r := c.repoParams()
	if r == nil {
		return
	}
	var items []obj
	for _, t := range o.sortedTeams() {
		p, ok := t.repos[r.id]
		if !ok {
			continue
		}
		m := c.teamObj(o, t)
		m["permission"] = p
		m["permissions"] = permissionsObject(c.f.repoPermLevel(o, p))
		items = append(items, m)
	}
	c.list(items)
}
