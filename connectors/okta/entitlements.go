package okta

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// appPrefix starts the resource id of an application.
const appPrefix = "app:"

// AdminRoles are Okta's standard admin role types, listed as admin_role
// entitlements on the org before the custom roles (see CustomRoleID).
var AdminRoles = []struct{ Type, Label string }{
	{"SUPER_ADMIN", "Super Administrator"},
	{"ORG_ADMIN", "Organization Administrator"},
	{"APP_ADMIN", "Application Administrator"},
	{"USER_ADMIN", "Group Administrator"},
	{"GROUP_MEMBERSHIP_ADMIN", "Group Membership Administrator"},
	{"HELP_DESK_ADMIN", "Help Desk Administrator"},
	{"READ_ONLY_ADMIN", "Read-Only Administrator"},
	{"MOBILE_ADMIN", "Mobile Administrator"},
	{"API_ACCESS_MANAGEMENT_ADMIN", "API Access Management Administrator"},
	{"REPORT_ADMIN", "Report Administrator"},
}

// standardRole reports whether t is one of AdminRoles.
func standardRole(t string) bool {
	for _, r := range AdminRoles {
		if r.Type == t {
			return true
		}
	}
	return false
}

// org is the part of GET /api/v1/org the connector reads.
type org struct {
	ID          string `json:"id"`
	CompanyName string `json:"companyName"`
	Subdomain   string `json:"subdomain"`
	Status      string `json:"status"`
}

// group is the part of an Okta group the connector reads.
type group struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Profile struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"profile"`
}

func (g *group) check() error { return hasID(g.ID) }

// app is the part of an Okta application the connector reads.
type app struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Label      string `json:"label"`
	Status     string `json:"status"`
	SignOnMode string `json:"signOnMode"`
}

func (a *app) check() error { return hasID(a.ID) }

// role is one admin role assignment of a user; a CUSTOM one names its
// custom role and resource set.
type role struct {
	ID             string `json:"id"`
	Type           string `json:"type"`
	Label          string `json:"label"`
	Status         string `json:"status"`
	AssignmentType string `json:"assignmentType"`
	Role           string `json:"role"`
	ResourceSet    string `json:"resource-set"`
}

// idOnly is a listed user or app user, of which only the id is read.
type idOnly struct {
	ID string `json:"id"`
}

func (x *idOnly) check() error { return hasID(x.ID) }

func validateCredentials(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	var o org
	if _, err := ss.c.GetJSON(ctx, "/api/v1/org", &o); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	if o.ID == "" {
		return toolkit.ValidateCredentialsResponse{}, errs.New(errs.InvalidResponse, "Okta: GET /api/v1/org answered without the org's id.")
	}
	if _, _, err := getList(ctx, ss, listPath("/api/v1/users", 1, nil), (*user).check); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: o.ID}}, nil
}

// appResource is the resource of an application.
func appResource(a *app) toolkit.FoundResourceData {
	label := a.Label
	if label == "" {
		label = a.ID
	}
	return toolkit.FoundResourceData{IntegrationSpecificID: appPrefix + a.ID, Label: label, ResourceType: ResourceTypeApplication,
		ExtraData: map[string]string{"name": a.Name, "status": a.Status, "sign_on_mode": a.SignOnMode}}
}

func listResources(ctx context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	orgPhase := paginate.Static[toolkit.FoundResourceData]{Entries: func(ctx context.Context) ([]toolkit.FoundResourceData, error) {
		var o org
		if _, err := ss.c.GetJSON(ctx, "/api/v1/org", &o); err != nil {
			return nil, err
		}
		label := o.CompanyName
		if label == "" {
			label = tenantHost(ss.s.BaseURL)
		}
		return []toolkit.FoundResourceData{{IntegrationSpecificID: "", Label: label, ResourceType: ResourceTypeOrg,
			ExtraData: map[string]string{"org_id": o.ID, "subdomain": o.Subdomain, "base_url": ss.s.BaseURL}}}, nil
	}}
	phases := []paginate.Phase[toolkit.FoundResourceData]{orgPhase}
	if ss.s.IncludeAppAssignments {
		phases = append(phases, flat(ss, "/api/v1/apps", nil, (*app).check, func(a *app) []toolkit.FoundResourceData {
			return []toolkit.FoundResourceData{appResource(a)}
		}))
	}
	res, p, err := page(ctx, ss, toolkit.CapListResources.Name(), req.Page, true, phases...)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	return toolkit.ListResourcesResponse{Response: res, Page: p}, nil
}

// roleEntitlements are the admin_role entitlements.
func roleEntitlements(context.Context) ([]toolkit.FoundEntitlementData, error) {
	out := make([]toolkit.FoundEntitlementData, len(AdminRoles))
	for i, r := range AdminRoles {
		out[i] = toolkit.FoundEntitlementData{EntitlementType: EntitlementTypeAdminRole, IntegrationSpecificID: r.Type, IntegrationSpecificResourceID: "",
			IsAssignable: toolkit.Ptr(true), Label: r.Label, Description: toolkit.Ptr("The Okta admin role " + r.Type), ExtraData: map[string]any{}}
	}
	return out, nil
}

// groupEntitlement is the group_member entitlement of a group.
func groupEntitlement(g *group) []toolkit.FoundEntitlementData {
	label := g.Profile.Name
	if label == "" {
		label = g.ID
	}
	extra := map[string]any{"group_type": g.Type}
	if g.Profile.Description != "" {
		extra["description"] = g.Profile.Description
	}
	return []toolkit.FoundEntitlementData{{EntitlementType: EntitlementTypeGroupMember, IntegrationSpecificID: g.ID, IntegrationSpecificResourceID: "",
		IsAssignable: toolkit.Ptr(g.Type != "APP_GROUP" && g.Type != "BUILT_IN"), Label: label,
		Description: toolkit.Ptr("Member of the Okta group " + label), ExtraData: extra}}
}

// appEntitlement is the app_assignment entitlement of an application.
func appEntitlement(a *app) []toolkit.FoundEntitlementData {
	r := appResource(a)
	return []toolkit.FoundEntitlementData{{EntitlementType: EntitlementTypeAppAssignment, IntegrationSpecificID: AppAssignmentID,
		IntegrationSpecificResourceID: r.IntegrationSpecificID, IsAssignable: toolkit.Ptr(false), Label: "Assigned to " + r.Label,
		Description: toolkit.Ptr("The Okta application " + r.Label + " is assigned to the user, directly or through a group"), ExtraData: map[string]any{}}}
}

func listEntitlements(ctx context.Context, req toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	phases := []paginate.Phase[toolkit.FoundEntitlementData]{paginate.Static[toolkit.FoundEntitlementData]{Entries: roleEntitlements}}
	// The scope's "+custom" keeps the tokens of the listing with its custom
	// phase and those of the listing without it apart.
	scope := toolkit.CapListEntitlements.Name()
	if ss.s.IncludeCustomRoles {
		phases = append(phases, ss.customPhase())
		scope += "+custom"
	}
	phases = append(phases, flat(ss, "/api/v1/groups", nil, (*group).check, groupEntitlement))
	if ss.s.IncludeAppAssignments {
		phases = append(phases, flat(ss, "/api/v1/apps", nil, (*app).check, appEntitlement))
	}
	ents, p, err := page(ctx, ss, scope, req.Page, true, phases...)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	return toolkit.ListEntitlementsResponse{Response: ents, Page: p}, nil
}

// association is one account's holding of an entitlement on a resource.
func association(accountID, entitlementID, resourceID string) toolkit.FoundEntitlementAssociation {
	return toolkit.FoundEntitlementAssociation{AccountID: accountID, IntegrationSpecificEntitlementID: entitlementID, IntegrationSpecificResourceID: resourceID}
}

// nested is a Nested phase: the outer listing's items, and for each the
// inner listing at inner(item) whose ids become associations.
func nested[O any](ss *session, outer string, valid func(*O) error, inner func(O) string, assoc func(O, string) toolkit.FoundEntitlementAssociation) paginate.Nested[O, toolkit.FoundEntitlementAssociation] {
	return paginate.Nested[O, toolkit.FoundEntitlementAssociation]{
		First: listPath(outer, ss.s.PageSize, nil),
		Outer: func(ctx context.Context, at string) ([]O, string, error) {
			return getList(ctx, ss, at, valid)
		},
		InnerFirst: func(o O) string { return listPath(inner(o), ss.s.PageSize, nil) },
		Inner: func(ctx context.Context, o O, at string) ([]toolkit.FoundEntitlementAssociation, string, error) {
			ids, next, err := getList(ctx, ss, at, (*idOnly).check)
			if statusOf(err) == http.StatusNotFound {
				return nil, "", nil // deleted since the outer page was read
			}
			if err != nil {
				return nil, "", err
			}
			out := make([]toolkit.FoundEntitlementAssociation, len(ids))
			for i, x := range ids {
				out[i] = assoc(o, x.ID)
			}
			return out, next, nil
		},
	}
}

// admins is the phase of admin role holders: the users with role
// assignments (GET /api/v1/iam/assignees/users, paged in its body), then
// each one's roles.
func (ss *session) admins() paginate.Nested[idOnly, toolkit.FoundEntitlementAssociation] {
	return paginate.Nested[idOnly, toolkit.FoundEntitlementAssociation]{
		First: listPath("/api/v1/iam/assignees/users", min(ss.s.PageSize, 100), nil),
		Outer: func(ctx context.Context, at string) ([]idOnly, string, error) {
			var body struct {
				Value []*idOnly `json:"value"`
				Links struct {
					Next *struct {
						Href string `json:"href"`
					} `json:"next"`
				} `json:"_links"`
			}
			resp, err := ss.c.GetJSON(ctx, at, &body)
			if err != nil {
				return nil, "", err
			}
			out := make([]idOnly, 0, len(body.Value))
			for _, v := range body.Value {
				if v != nil && v.ID != "" {
					out = append(out, *v)
				}
			}
			next := paginate.NextLink(resp.Header)
			if body.Links.Next != nil && body.Links.Next.Href != "" {
				next = body.Links.Next.Href
			}
			return out, next, nil
		},
		InnerFirst: func(u idOnly) string { return userPath(u.ID, "roles") },
		Inner: func(ctx context.Context, u idOnly, at string) ([]toolkit.FoundEntitlementAssociation, string, error) {
			roles, err := ss.userRoles(ctx, u.ID)
			if statusOf(err) == http.StatusNotFound {
				return nil, "", nil
			}
			if err != nil {
				return nil, "", err
			}
			as, err := roleAssociations(u.ID, roles, ss.s.IncludeCustomRoles)
			return as, "", err
		},
	}
}

// userRoles lists a user's admin role assignments (one unpaged answer).
func (ss *session) userRoles(ctx context.Context, id string) ([]role, error) {
	var list []*role
	if _, err := ss.c.GetJSON(ctx, userPath(id, "roles"), &list); err != nil {
		return nil, err
	}
	out := make([]role, 0, len(list))
	for _, r := range list {
		if r != nil && r.ID != "" {
			out = append(out, *r)
		}
	}
	return out, nil
}

// roleAssociations are the standard and custom roles among roles as
// associations (each role once, whether assigned to the user or through a
// group), custom ones only when custom is set. A custom assignment without
// a usable role or resource set id is invalid_response.
func roleAssociations(userID string, roles []role, custom bool) ([]toolkit.FoundEntitlementAssociation, error) {
	var out []toolkit.FoundEntitlementAssociation
	seen := map[string]bool{}
	for _, r := range roles {
		id := r.Type
		switch {
		case r.Type == customType && !custom:
			continue
		case r.Type == customType:
			if checkIAMID(r.Role) != nil || checkIAMID(r.ResourceSet) != nil {
				return nil, errs.Newf(errs.InvalidResponse, "Invalid response from the API: the custom role assignment %q of the user %s names the role %q and the resource set %q, not two ids.",
					r.ID, userID, r.Role, r.ResourceSet)
			}
			id = CustomRoleID(r.Role, r.ResourceSet)
		case !standardRole(r.Type):
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, association(userID, id, ""))
		}
	}
	return out, nil
}

func findEntitlementAssociations(ctx context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	phases := []paginate.Phase[toolkit.FoundEntitlementAssociation]{
		ss.admins(),
		nested(ss, "/api/v1/groups", (*group).check,
			func(g group) string { return "/api/v1/groups/" + url.PathEscape(g.ID) + "/users" },
			func(g group, uid string) toolkit.FoundEntitlementAssociation { return association(uid, g.ID, "") }),
	}
	if ss.s.IncludeAppAssignments {
		phases = append(phases, nested(ss, "/api/v1/apps", (*app).check,
			func(a app) string { return "/api/v1/apps/" + url.PathEscape(a.ID) + "/users" },
			func(a app, uid string) toolkit.FoundEntitlementAssociation {
				return association(uid, AppAssignmentID, appPrefix+a.ID)
			}))
	}
	as, p, err := page(ctx, ss, toolkit.CapFindEntitlementAssociations.Name(), req.Page, false, phases...)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	return toolkit.FindEntitlementAssociationsResponse{Response: as, Page: p}, nil
}

func getAccountEntitlementAssociations(ctx context.Context, req toolkit.GetAccountEntitlementAssociationsRequest) (toolkit.GetAccountEntitlementAssociationsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	u, err := ss.getUser(ctx, req.Request.AccountID) // not_found for an unknown account
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	roles, err := ss.userRoles(ctx, u.ID)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	out, err := roleAssociations(u.ID, roles, ss.s.IncludeCustomRoles)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	if out == nil {
		out = []toolkit.FoundEntitlementAssociation{}
	}
	err = scan(ctx, ss, userPath(u.ID, "groups"), (*group).check, func(gs []group) bool {
		for _, g := range gs {
			out = append(out, association(u.ID, g.ID, ""))
		}
		return false
	})
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	if ss.s.IncludeAppAssignments {
		err = scan(ctx, ss, listPath("/api/v1/apps", ss.s.PageSize, map[string][]string{"filter": {`user.id eq "` + u.ID + `"`}}), (*app).check, func(as []app) bool {
			for _, a := range as {
				out = append(out, association(u.ID, AppAssignmentID, appPrefix+a.ID))
			}
			return false
		})
		if err != nil {
			return toolkit.GetAccountEntitlementAssociationsResponse{}, err
		}
	}
	return toolkit.GetAccountEntitlementAssociationsResponse{Response: out}, nil
}

// ---- assign / unassign -----------------------------------------------------------

// inGroup reports whether the user is a direct member of the group.
func (ss *session) inGroup(ctx context.Context, userID, groupID string) (bool, error) {
	found := false
	err := scan(ctx, ss, userPath(userID, "groups"), (*group).check, func(gs []group) bool {
		for _, g := range gs {
			found = found || g.ID == groupID
		}
		return found
	})
	return found, err
}

// changeGroup adds or removes the user to or from the group; a repeat is
// a noop.
func (ss *session) changeGroup(ctx context.Context, r toolkit.EntitlementRef, add bool) (toolkit.Effect, error) {
	if err := checkID(r.EntitlementID, "group"); err != nil {
		return toolkit.Effect{}, err
	}
	if _, err := ss.getUser(ctx, r.AccountID); err != nil {
		return toolkit.Effect{}, err
	}
	var g group
	gp := "/api/v1/groups/" + url.PathEscape(r.EntitlementID)
	if _, err := ss.c.GetJSON(ctx, gp, &g); err != nil {
		return toolkit.Effect{}, notFound(err, "The Okta group "+quote(r.EntitlementID))
	}
	member, err := ss.inGroup(ctx, r.AccountID, r.EntitlementID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if member == add {
		return toolkit.Noop(), nil
	}
	p := gp + "/users/" + url.PathEscape(r.AccountID)
	if add {
		_, err = ss.c.PutJSON(ctx, p, nil, nil)
		return toolkit.Created(), notFound(err, "The Okta group "+quote(r.EntitlementID))
	}
	if _, err = ss.c.Delete(ctx, p); statusOf(err) == http.StatusNotFound {
		return toolkit.Noop(), nil
	}
	return toolkit.Deleted(), err
}

// changeRole assigns or unassigns a standard admin role (custom ones:
// changeCustomRole); a repeat is a noop.
func (ss *session) changeRole(ctx context.Context, r toolkit.EntitlementRef, add bool) (toolkit.Effect, error) {
	if !standardRole(r.EntitlementID) {
		return toolkit.Effect{}, errs.Newf(errs.NotFound, "Unknown admin role %q: the connector grants Okta's standard roles (SUPER_ADMIN, ORG_ADMIN, …) and custom roles (custom:<role id>:<resource set id>).", r.EntitlementID)
	}
	if _, err := ss.getUser(ctx, r.AccountID); err != nil {
		return toolkit.Effect{}, err
	}
	return ss.grantRole(ctx, r.AccountID, add, "admin role "+r.EntitlementID, map[string]string{"type": r.EntitlementID},
		func(x *role) bool { return x.Type == r.EntitlementID })
}

// grantRole assigns (POST body) or unassigns the admin role the user holds
// when held accepts one of its assignments; a repeat is a noop. A role the
// user holds only through a group cannot be unassigned from the user (name
// says which in the message).
func (ss *session) grantRole(ctx context.Context, userID string, add bool, name string, body map[string]string, held func(*role) bool) (toolkit.Effect, error) {
	roles, err := ss.userRoles(ctx, userID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	var direct, viaGroup *role
	for i := range roles {
		if !held(&roles[i]) {
			continue
		}
		if strings.EqualFold(roles[i].AssignmentType, "GROUP") {
			viaGroup = &roles[i]
		} else {
			direct = &roles[i]
		}
	}
	switch {
	case add && (direct != nil || viaGroup != nil), !add && direct == nil && viaGroup == nil:
		return toolkit.Noop(), nil
	case add:
		_, err := ss.c.PostJSON(ctx, userPath(userID, "roles"), body, nil)
		return toolkit.Created(), err
	case direct == nil:
		return toolkit.Effect{}, errs.Newf(errs.BadRequest, "The user holds the %s through a group only: remove it from that group's roles (or the user from the group).", name)
	}
	if _, err := ss.c.Delete(ctx, userPath(userID, "roles", url.PathEscape(direct.ID))); statusOf(err) != http.StatusNotFound && err != nil {
		return toolkit.Effect{}, err
	}
	return toolkit.Deleted(), nil
}

// changeEntitlement grants or revokes a group membership or an admin role
// (the shared part of assign_entitlement and unassign_entitlement, see
// toolkit.HandleEntitlementChanges).
func changeEntitlement(ctx context.Context, c toolkit.EntitlementChange) (toolkit.Effect, error) {
	r := c.Request.Request
	if r.ResourceID != "" {
		return toolkit.Effect{}, errs.Newf(errs.NotFound, "Unknown resource %q: groups and admin roles are entitlements on the org (resource \"\"); application assignments are read-only.", r.ResourceID)
	}
	if err := checkID(r.AccountID, "account"); err != nil {
		return toolkit.Effect{}, err
	}
	ss, err := newSession(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, err
	}
	switch r.EntitlementType {
	case EntitlementTypeGroupMember:
		return ss.changeGroup(ctx, r, c.Grant)
	case EntitlementTypeAdminRole:
		if strings.HasPrefix(r.EntitlementID, CustomRolePrefix) && !ss.s.IncludeCustomRoles {
			return toolkit.Effect{}, errs.Newf(errs.BadRequest, "Custom admin role %q: custom admin roles are turned off (the include_custom_roles setting).", r.EntitlementID)
		}
		if strings.HasPrefix(r.EntitlementID, CustomRolePrefix) {
			return ss.changeCustomRole(ctx, r, c.Grant)
		}
		return ss.changeRole(ctx, r, c.Grant)
	}
	return toolkit.Effect{}, errs.Newf(errs.BadRequest, "Entitlement type %q cannot be granted: the Okta connector grants %q and %q.", r.EntitlementType, EntitlementTypeGroupMember, EntitlementTypeAdminRole)
}
