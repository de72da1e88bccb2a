package githubfake

import (
	"net/http"
	"strconv"
)

func (c *reqCtx) roleParam(o *org) *orgRole {
	id, err := strconv.ParseInt(c.params["role_id"], 10, 64)
	if err != nil || o.roles[id] == nil {
		c.notFound()
		return nil
	}
	return o.roles[id]
}

func (c *reqCtx) listOrgRoles() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	roles := []obj{}
	for _, id := range sortedKeys(o.roles) {
		roles = append(roles, c.orgRole(o, o.roles[id]))
	}
	c.writeJSON(http.StatusOK, obj{"total_count": len(roles), "roles": roles})
}

func (c *reqCtx) getOrgRole() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	if r := c.roleParam(o); r != nil {
		c.writeJSON(http.StatusOK, c.orgRole(o, r))
	}
}

func (c *reqCtx) listOrgRoleUsers() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	r := c.roleParam(o)
	if r == nil {
		return
	}
	holders := map[int64][]int64{} // user -> teams it inherits the role from
	for uid := range r.users {
		holders[uid] = nil
	}
	for _, tid := range sortedKeys(r.teams) {
		for _, m := range o.teamMembers(o.teams[tid]) {
			holders[m.uid] = append(holders[m.uid], tid)
		}
	}
	var items []obj
	for _, uid := range sortedKeys(holders) {
		m := c.userByID(uid)
		via := []obj{}
		for _, tid := range holders[uid] {
			via = append(via, c.teamSimple(o, o.teams[tid]))
		}
		switch {
		case r.users[uid] && len(via) > 0:
			m["assignment"] = "mixed"
		case r.users[uid]:
			m["assignment"] = "direct"
		default:
			m["assignment"] = "indirect"
		}
		m["inherited_from"] = via
		items = append(items, m)
	}
	c.list(items)
}

func (c *reqCtx) listOrgRoleTeams() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	r := c.roleParam(o)
	if r == nil {
		return
	}
	var items []obj
	for _, tid := range sortedKeys(r.teams) {
		m := c.teamObj(o, o.teams[tid])
		m["assignment"] = "direct"
		items = append(items, m)
	}
	c.list(items)
}

func (c *reqCtx) assignOrgRoleUser() {
	o, r, u := c.roleUser()
	if r == nil {
		return
	}
	if !o.isMember(u.id) {
		c.unprocessable("%s is not a member of the organization.", u.login)
		return
	}
	r.users[u.id] = true
	c.noContent()
}

func (c *reqCtx) revokeOrgRoleUser() {
	_, r, u := c.roleUser()
	if r == nil {
		return
	}
	delete(r.users, u.id)
	c.noContent()
}

func (c *reqCtx) assignOrgRoleTeam() {
	_, r, t := c.roleTeam()
	if r == nil {
		return
	}
	r.teams[t.id] = true
	c.noContent()
}

func (c *reqCtx) revokeOrgRoleTeam() {
	_, r, t := c.roleTeam()
	if r == nil {
		return
	}
	delete(r.teams, t.id)
	c.noContent()
}

// roleUser resolves {org} (owners only), {username} and {role_id}; r is nil
// once answered.
func (c *reqCtx) roleUser() (o *org, r *orgRole, u *user) {
	if o = c.ownedOrg(); o == nil {
		return nil, nil, nil
	}
	if u = c.lookupUser("username"); u == nil {
		return nil, nil, nil
	}
	return o, c.roleParam(o), u
}

// roleTeam resolves {org} (owners only), {team_slug} and {role_id}; r is nil
// once answered.
func (c *reqCtx) roleTeam() (o *org, r *orgRole, t *team) {
	if o = c.ownedOrg(); o == nil {
		return nil, nil, nil
	}
	if t = c.lookupTeam(o); t == nil {
		return nil, nil, nil
	}
	return o, c.roleParam(o), t
}
