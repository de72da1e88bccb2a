package githubfake

import "slices"

// Repository permission levels. GitHub accepts pull/push (legacy) and
// read/write names; triage, maintain and admin are the same in both.
func permLevel(p string) int {
	switch p {
	case "pull", "read":
		return 1
	case "triage":
		return 2
	case "push", "write":
		return 3
	case "maintain":
		return 4
	case "admin":
		return 5
	}
	return 0
}

// canonicalPerm stores permissions in the pull/push form the API takes.
func canonicalPerm(p string) string {
	switch p {
	case "read":
		return "pull"
	case "write":
		return "push"
	}
	return p
}

// roleName is the role_name GitHub reports for a permission.
func roleName(p string) string {
	switch p {
	case "pull", "read":
		return "read"
	case "push", "write":
		return "write"
	}
	return p
}

// legacyPerm is the `permission` field of the collaborator-permission
// endpoint: admin, write, read or none (maintain→write, triage→read).
func legacyPerm(level int) string {
	switch {
	case level >= 5:
		return "admin"
	case level >= 3:
		return "write"
	case level >= 1:
		return "read"
	}
	return "none"
}

// repoPermLevel resolves built-in permissions and the org's custom roles.
func (f *Fake) repoPermLevel(o *org, p string) int {
	if l := permLevel(p); l > 0 {
		return l
	}
	if base, ok := o.repoRoles[p]; ok {
		return permLevel(base)
	}
	return 0
}

func permissionsObject(level int) map[string]any {
	return map[string]any{"pull": level >= 1, "triage": level >= 2, "push": level >= 3, "maintain": level >= 4, "admin": level >= 5}
}

// isMember: owners and members (billing managers are not organization members).
func (o *org) isMember(uid int64) bool {
	r := o.members[uid]
	return r == "admin" || r == "member"
}

func (o *org) isOwner(uid int64) bool { return o.members[uid] == "admin" }

// userTeams are the teams whose access uid gets: the teams uid is an active
// member of, and their ancestors (child teams inherit parent access).
func (o *org) userTeams(uid int64) map[int64]bool {
	out := map[int64]bool{}
	for _, t := range o.teams {
		if _, ok := t.members[uid]; !ok {
			continue
		}
		for x := t; x != nil && !out[x.id]; x = o.teams[x.parent] {
			out[x.id] = true
		}
	}
	return out
}

// descendants returns t and all teams below it.
func (o *org) descendants(t *team) []*team {
	out := []*team{t}
	for i := 0; i < len(out); i++ {
		for _, c := range o.sortedTeams() {
			if c.parent == out[i].id {
				out = append(out, c)
			}
		}
	}
	return out
}

func (o *org) sortedTeams() []*team {
	ts := make([]*team, 0, len(o.teams))
	for _, t := range o.teams {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b *team) int { return cmpInt(a.id, b.id) })
	return ts
}

func (o *org) sortedRepos() []*repo {
	rs := make([]*repo, 0, len(o.repos))
	for _, r := range o.repos {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b *repo) int { return cmpInt(a.id, b.id) })
	return rs
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// effective returns the highest permission level uid has on r from every
// source GitHub combines (owner, base permission, direct grant, teams and
// their parents, organization roles) and the role_name of that source.
func (f *Fake) effective(o *org, r *repo, uid int64) (int, string) {
	best, name := 0, ""
	consider := func(p string) {
		if l := f.repoPermLevel(o, p); l > best {
			best, name = l, roleName(p)
		}
	}
	if o.isOwner(uid) {
		consider("admin")
	}
	if o.isMember(uid) && o.base != "none" {
		consider(o.base)
	}
	if p, ok := r.collabs[uid]; ok {
		consider(p)
	}
	teams := o.userTeams(uid)
	for _, tid := range sortedKeys(teams) {
		if p, ok := o.teams[tid].repos[r.id]; ok {
			consider(p)
		}
	}
	for _, rid := range sortedKeys(o.roles) {
		role := o.roles[rid]
		if role.base == "" {
			continue
		}
		held := role.users[uid]
		for tid := range teams {
			held = held || role.teams[tid]
		}
		if held {
			consider(role.base)
		}
	}
	return best, name
}

// outsideCollaborators are non-members with a direct grant on an org repo.
func (o *org) outsideCollaborators() []int64 {
	seen := map[int64]bool{}
	for _, r := range o.repos {
		for uid := range r.collabs {
			if !o.isMember(uid) {
				seen[uid] = true
			}
		}
	}
	return sortedKeys(seen)
}

// removeFromOrg drops every trace of uid's membership: role, teams, org
// roles, direct repository grants and pending invitations.
func (o *org) removeFromOrg(uid int64) {
	delete(o.members, uid)
	for _, t := range o.teams {
		delete(t.members, uid)
		delete(t.pending, uid)
	}
	for _, r := range o.roles {
		delete(r.users, uid)
	}
	for _, r := range o.repos {
		delete(r.collabs, uid)
	}
	for id, in := range o.invites {
		if in.userID == uid {
			delete(o.invites, id)
		}
	}
}
