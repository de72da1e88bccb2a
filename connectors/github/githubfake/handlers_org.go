package githubfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Permission rule used throughout: a caller without the needed rights gets
// 403 where the description documents 403 for the operation, otherwise 404
// (GitHub hides what the caller may not see).

func (c *reqCtx) getUser() {
	if c.who.kind != userPrincipal {
		c.forbidden("Resource not accessible by integration")
		return
	}
	c.writeJSON(http.StatusOK, c.privateUser(c.who.user))
}

// getUserByID is GET /user/{account_id}: ids are durable, so a renamed
// account is found under its new login. Organizations are accounts too.
func (c *reqCtx) getUserByID() {
	id, err := strconv.ParseInt(c.params["account_id"], 10, 64)
	u := c.f.users[id]
	if err != nil || u == nil {
		c.notFound()
		return
	}
	c.writeJSON(http.StatusOK, c.userView(u))
}

// getUserByLogin is GET /users/{username}; a login given up by a rename is
// not found.
func (c *reqCtx) getUserByLogin() {
	u := c.f.userByLogin(c.params["username"])
	if u == nil {
		c.notFound()
		return
	}
	c.writeJSON(http.StatusOK, c.userView(u))
}

func (c *reqCtx) getRateLimit() {
	key, limit := c.bucketKey()
	b := c.f.bucket(key, limit)
	remaining := max(b.limit-b.used, 0)
	if c.f.primary != 0 {
		remaining = 0
	}
	core := obj{"limit": b.limit, "remaining": remaining, "reset": b.reset.Unix(), "used": min(b.used, b.limit)}
	static := func(limit int) obj {
		return obj{"limit": limit, "remaining": limit, "reset": c.f.now().Add(time.Minute).Unix(), "used": 0}
	}
	c.writeJSON(http.StatusOK, obj{
		"resources": obj{
			"core": core, "search": static(30), "code_search": static(10), "graphql": static(limit),
			"integration_manifest": static(5000), "dependency_snapshots": static(100),
			"code_scanning_autofix": static(10), "scim": static(15000), "source_import": static(100),
			"actions_runner_registration": static(10000), "dependency_sbom": static(100),
		},
		"rate": core,
	})
}

func (c *reqCtx) getOrg() {
	o := c.lookupOrg("org")
	if o == nil {
		return
	}
	c.writeJSON(http.StatusOK, c.organizationFull(o, c.owner(o)))
}

// ---- members -------------------------------------------------------------------

func (c *reqCtx) twoFactorFilter(o *org, resource string) (string, bool) {
	filter, ok := c.enumQuery(resource, "filter", "all", "2fa_disabled", "2fa_insecure")
	if !ok {
		return "", false
	}
	if filter != "all" && !c.owner(o) {
		c.validationFailed(fieldError{Resource: resource, Field: "filter", Code: "invalid", Value: filter, Message: "Only organization owners can filter by two-factor authentication status."})
		return "", false
	}
	return filter, true
}

func matchTwoFactor(u *user, filter string) bool {
	switch filter {
	case "2fa_disabled":
		return u.twoFactor == "disabled"
	case "2fa_insecure":
		return u.twoFactor == "insecure"
	}
	return true
}

func (c *reqCtx) listMembers() {
	o := c.lookupOrg("org")
	if o == nil {
		return
	}
	filter, ok := c.twoFactorFilter(o, "Organization")
	if !ok {
		return
	}
	role, ok := c.enumQuery("Organization", "role", "all", "admin", "member")
	if !ok {
		return
	}
	var items []obj
	for _, id := range sortedKeys(o.members) {
		r := o.members[id]
		if !o.isMember(id) || (role != "all" && role != r) || !matchTwoFactor(c.f.users[id], filter) {
			continue
		}
		items = append(items, c.userByID(id))
	}
	c.list(items)
}

// list answers a paginated JSON array.
func (c *reqCtx) list(items []obj) {
	page, ok := pageOf(c, items)
	if !ok {
		return
	}
	if page == nil {
		page = []obj{}
	}
	c.writeJSON(http.StatusOK, page)
}

func (c *reqCtx) checkMember() {
	o, u, ok := c.orgUser("org", "username")
	if !ok {
		return
	}
	if !c.member(o) {
		c.w.Header().Set("Location", c.api+"/orgs/"+c.f.users[o.id].login+"/public_members/"+u.login)
		c.w.WriteHeader(http.StatusFound)
		return
	}
	if !o.isMember(u.id) {
		c.notFound()
		return
	}
	c.noContent()
}

func (c *reqCtx) lastOwner(o *org, uid int64) bool {
	if !o.isOwner(uid) {
		return false
	}
	for id := range o.members {
		if id != uid && o.isOwner(id) {
			return false
		}
	}
	return true
}

func (c *reqCtx) removeMember() {
	o, u, ok := c.orgUser("org", "username")
	if !ok || !c.ownerOf(o, "You must be an organization owner to remove members.") {
		return
	}
	if c.lastOwner(o, u.id) {
		c.forbidden("You cannot remove the last owner of an organization.")
		return
	}
	if _, ok := o.members[u.id]; ok {
		o.removeFromOrg(u.id)
	}
	c.noContent()
}

func membershipRole(invRole string) string {
	switch invRole {
	case "admin", "billing_manager":
		return invRole
	}
	return "member"
}

func (c *reqCtx) pendingInvite(o *org, uid int64) *invitation {
	for _, id := range sortedKeys(o.invites) {
		if in := o.invites[id]; in.userID == uid {
			return in
		}
	}
	return nil
}

func (c *reqCtx) getMembership() {
	o, u, ok := c.orgUser("org", "username")
	if !ok {
		return
	}
	self := c.who.kind == userPrincipal && c.who.user.id == u.id
	if !self && !c.member(o) {
		c.forbidden("You must be a member of " + c.f.users[o.id].login + " to see membership information for " + u.login + ".")
		return
	}
	c.f.expireInvites(o)
	if role, ok := o.members[u.id]; ok {
		c.writeJSON(http.StatusOK, c.orgMembership(o, u, role, "active"))
		return
	}
	if in := c.pendingInvite(o, u.id); in != nil {
		c.writeJSON(http.StatusOK, c.orgMembership(o, u, membershipRole(in.role), "pending"))
		return
	}
	c.notFound()
}

func (c *reqCtx) setMembership() {
	o, u, ok := c.orgUser("org", "username")
	if !ok || !c.ownerOf(o, "You must be an admin to add or update an organization membership.") {
		return
	}
	body, ok := c.decodeBody(map[string]string{"role": "string"})
	if !ok {
		return
	}
	role, ok := c.enumField(body, "role", "member", "admin", "member")
	if !ok {
		return
	}
	if _, ok := o.members[u.id]; ok {
		if role == "member" && c.lastOwner(o, u.id) {
			c.forbidden("You cannot demote the last owner of an organization.")
			return
		}
		o.members[u.id] = role
		c.writeJSON(http.StatusOK, c.orgMembership(o, u, role, "active"))
		return
	}
	c.f.expireInvites(o)
	invRole := "direct_member"
	if role == "admin" {
		invRole = "admin"
	}
	in := c.pendingInvite(o, u.id)
	if in == nil {
		in = &invitation{id: c.f.id("invitation"), userID: u.id, inviter: c.actor(o), created: c.f.now(), source: "member"}
		o.invites[in.id] = in
	}
	in.role = invRole
	c.writeJSON(http.StatusOK, c.orgMembership(o, u, role, "pending"))
}

func (c *reqCtx) removeMembership() {
	o, u, ok := c.orgUser("org", "username")
	if !ok || !c.ownerOf(o, "You must be an admin to remove an organization membership.") {
		return
	}
	if _, ok := o.members[u.id]; ok {
		if c.lastOwner(o, u.id) {
			c.forbidden("You cannot remove the last owner of an organization.")
			return
		}
		o.removeFromOrg(u.id)
		c.noContent()
		return
	}
	if in := c.pendingInvite(o, u.id); in != nil {
		c.cancel(o, in)
		c.noContent()
		return
	}
	c.notFound()
}

// cancel deletes a pending invitation and the team memberships waiting on it.
func (c *reqCtx) cancel(o *org, in *invitation) {
	delete(o.invites, in.id)
	if in.userID != 0 {
		for _, t := range o.teams {
			delete(t.pending, in.userID)
		}
	}
}

// ---- outside collaborators ----------------------------------------------------------

func (c *reqCtx) listOutsideCollaborators() {
	o := c.lookupOrg("org")
	if o == nil {
		return
	}
	filter, ok := c.twoFactorFilter(o, "Organization")
	if !ok {
		return
	}
	var items []obj
	for _, id := range o.outsideCollaborators() {
		if matchTwoFactor(c.f.users[id], filter) {
			items = append(items, c.userByID(id))
		}
	}
	c.list(items)
}

func (c *reqCtx) convertToOutside() {
	o, u, ok := c.orgUser("org", "username")
	if !ok {
		return
	}
	body, ok := c.decodeBody(map[string]string{"async": "bool"})
	if !ok {
		return
	}
	switch {
	case !c.owner(o):
		c.forbidden("You must be an organization owner to convert members to outside collaborators.")
		return
	case !o.isMember(u.id):
		c.forbidden(u.login + " is not a member of the organization.")
		return
	case c.lastOwner(o, u.id):
		c.forbidden("You cannot convert the last owner to an outside collaborator.")
		return
	}
	// Team access becomes direct access; membership, teams and roles go.
	teams := o.userTeams(u.id)
	for _, r := range o.sortedRepos() {
		best := ""
		for tid := range teams {
			if p, ok := o.teams[tid].repos[r.id]; ok && c.f.repoPermLevel(o, p) > c.f.repoPermLevel(o, best) {
				best = p
			}
		}
		if cur, ok := r.collabs[u.id]; ok && c.f.repoPermLevel(o, cur) >= c.f.repoPermLevel(o, best) {
			best = cur
		}
		if best != "" {
			r.collabs[u.id] = best
		}
	}
	grants := map[int64]string{}
	for _, r := range o.repos {
		if p, ok := r.collabs[u.id]; ok {
			grants[r.id] = p
		}
	}
	o.removeFromOrg(u.id)
	for rid, p := range grants {
		o.repos[rid].collabs[u.id] = p
	}
	if async, _ := body["async"].(bool); async {
		c.writeJSON(http.StatusAccepted, obj{})
		return
	}
	c.noContent()
}

func (c *reqCtx) removeOutside() {
	o, u, ok := c.orgUser("org", "username")
	if !ok || !c.ownerOf(o, "") {
		return
	}
	if o.isMember(u.id) {
		c.writeJSON(http.StatusUnprocessableEntity, obj{
			"message":           "You cannot specify an organization member to remove as an outside collaborator.",
			"documentation_url": c.route.doc,
		})
		return
	}
	for _, r := range o.repos {
		delete(r.collabs, u.id)
		delete(r.invites, u.id)
	}
	c.noContent()
}

// ---- invitations -------------------------------------------------------------------

func (c *reqCtx) listInvitations() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	role, ok := c.enumQuery(invitationResource, "role", "all", "admin", "direct_member", "billing_manager", "hiring_manager")
	if !ok {
		return
	}
	source, ok := c.enumQuery(invitationResource, "invitation_source", "all", "member", "scim")
	if !ok {
		return
	}
	c.f.expireInvites(o)
	var items []obj
	for _, id := range sortedKeys(o.invites) {
		in := o.invites[id]
		if (role == "all" || in.role == role) && (source == "all" || in.source == source) {
			items = append(items, c.invitation(o, in))
		}
	}
	c.list(items)
}

func (c *reqCtx) createInvitation() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	body, ok := c.decodeBody(map[string]string{"invitee_id": "int", "email": "string", "role": "string", "team_ids": "ints"})
	if !ok {
		return
	}
	role, ok := c.enumField(body, "role", "direct_member", "admin", "direct_member", "billing_manager", "reinstate")
	if !ok {
		return
	}
	if role == "reinstate" {
		role = "direct_member"
	}
	email, _ := body["email"].(string)
	userID, ok := c.invitee(body, email)
	if !ok {
		return
	}
	in := &invitation{userID: userID, role: role, email: email, created: c.f.now(), inviter: c.actor(o), source: "member"}
	if !c.invitable(o, in) || !c.invitationTeams(o, in, body) {
		return
	}
	in.id = c.f.id("invitation")
	o.invites[in.id] = in
	c.writeJSON(http.StatusCreated, c.invitation(o, in))
}

// invitationResource names invitations in validation errors.
const invitationResource = "OrganizationInvitation"

// invitee returns the invited user: the body's invitee_id or, for an e-mail
// invitation, the user with that address (0 when none has it). On a bad body
// it answers 422 and returns false.
func (c *reqCtx) invitee(body map[string]any, email string) (int64, bool) {
	id, hasID := body["invitee_id"]
	switch {
	case !hasID && email == "":
		c.validationFailed(fieldError{Resource: invitationResource, Field: "invitee_id", Code: "missing_field", Message: "Either invitee_id or email must be provided."})
		return 0, false
	case hasID && email != "":
		c.validationFailed(fieldError{Resource: invitationResource, Field: "data", Code: "invalid", Message: "Provide either invitee_id or email, not both."})
		return 0, false
	case hasID:
		n := int64Of(id)
		if u := c.f.users[n]; u != nil && u.typ != "Organization" {
			return u.id, true
		}
		c.validationFailed(fieldError{Resource: invitationResource, Field: "invitee_id", Code: "invalid", Value: strconv.FormatInt(n, 10)})
		return 0, false
	case !strings.Contains(email, "@"):
		c.validationFailed(fieldError{Resource: invitationResource, Field: "email", Code: "invalid", Value: email})
		return 0, false
	}
	var userID int64
	for _, u := range c.f.users {
		if u.email != "" && strings.EqualFold(u.email, email) {
			userID = u.id
		}
	}
	return userID, true
}

// invitable checks that the invitee is neither a member of the org nor
// invited to it already; else it answers 422 and returns false.
func (c *reqCtx) invitable(o *org, in *invitation) bool {
	if in.userID != 0 && o.isMember(in.userID) {
		c.validationFailed(fieldError{Resource: invitationResource, Field: "data", Code: "unprocessable", Message: "Invitee is already a part of this organization"})
		return false
	}
	c.f.expireInvites(o)
	for _, other := range o.invites {
		if (in.userID != 0 && other.userID == in.userID) || (in.email != "" && strings.EqualFold(other.email, in.email)) {
			c.validationFailed(fieldError{Resource: invitationResource, Field: "data", Code: "already_exists", Message: "Invitee already has a pending invitation to this organization"})
			return false
		}
	}
	return true
}

// invitationTeams sets the teams of the body's team_ids, once each; on a
// team the org does not have it answers 422 and returns false.
func (c *reqCtx) invitationTeams(o *org, in *invitation, body map[string]any) bool {
	ids, _ := body["team_ids"].([]any)
	for _, x := range ids {
		n := int64Of(x)
		if o.teams[n] == nil {
			c.validationFailed(fieldError{Resource: invitationResource, Field: "team_ids", Code: "invalid", Value: strconv.FormatInt(n, 10)})
			return false
		}
		if !slices.Contains(in.teams, n) {
			in.teams = append(in.teams, n)
		}
	}
	return true
}

// int64Of reads an integer decodeBody checked (a json.Number).
func int64Of(v any) int64 {
	n, _ := v.(interface{ Int64() (int64, error) }).Int64()
	return n
}

func (c *reqCtx) invitationParam(o *org) *invitation {
	id, err := strconv.ParseInt(c.params["invitation_id"], 10, 64)
	if err != nil {
		c.notFound()
		return nil
	}
	c.f.expireInvites(o)
	in := o.invites[id]
	if in == nil {
		c.notFound()
	}
	return in
}

func (c *reqCtx) cancelInvitation() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	in := c.invitationParam(o)
	if in == nil {
		return
	}
	c.cancel(o, in)
	c.noContent()
}

func (c *reqCtx) listInvitationTeams() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	in := c.invitationParam(o)
	if in == nil {
		return
	}
	var items []obj
	for _, tid := range in.teams {
		if t := o.teams[tid]; t != nil {
			items = append(items, c.teamObj(o, t))
		}
	}
	c.list(items)
}

func (c *reqCtx) listFailedInvitations() {
	o := c.ownedOrg()
	if o == nil {
		return
	}
	c.f.expireInvites(o)
	var items []obj
	for _, in := range o.failed {
		items = append(items, c.invitation(o, in))
	}
	c.list(items)
}
