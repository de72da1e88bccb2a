package scim

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// eqFilter is the SCIM filter `attr eq "value"`, value written as the JSON
// string RFC 7644 §3.4.2.2 asks for: quote and backslash escaped, control
// characters and DEL as \u00XX, an invalid byte as U+FFFD (Go's %q wrote
// \x01 or \xff, which are no JSON escapes, so the server could not parse
// the filter).
func eqFilter(attr, value string) string {
	var b strings.Builder
	b.WriteString(attr + ` eq "`)
	for _, r := range strings.ToValidUTF8(value, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// group is the part of a SCIM Group the connector reads.
type group struct {
	ID          string `json:"id"`
	ExternalID  string `json:"externalId"`
	DisplayName string `json:"displayName"`
	Members     []ref  `json:"members"`
}

// hasMember reports whether the user id is a direct member.
func (g *group) hasMember(id string) bool {
	for _, m := range g.Members {
		if m.Value == id {
			return true
		}
	}
	return false
}

// userMember reports whether a member reference is a user: a Group member
// (nested groups) is not an account.
func userMember(m ref) bool { return m.Value != "" && !strings.EqualFold(m.Type, "Group") }

func listResources(ctx context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
	s, err := decodeSettings(req.Settings)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	return toolkit.ListResourcesResponse{Response: []toolkit.FoundResourceData{{
		IntegrationSpecificID: "", Label: "SCIM " + tenantID(s.BaseURL), ResourceType: ResourceTypeTenant,
		ExtraData: map[string]string{"base_url": s.BaseURL},
	}}}, nil
}

// entitlement is the group_member entitlement of a Group.
func entitlement(g *group) toolkit.FoundEntitlementData {
	label := g.DisplayName
	if label == "" {
		label = g.ID
	}
	extra := map[string]any{}
	if g.ExternalID != "" {
		extra["external_id"] = g.ExternalID
	}
	return toolkit.FoundEntitlementData{
		EntitlementType: EntitlementTypeGroupMember, IntegrationSpecificID: g.ID, IntegrationSpecificResourceID: "",
		IsAssignable: toolkit.Ptr(true), Label: label, Description: toolkit.Ptr("Member of the SCIM group " + label),
		ExtraData: extra,
	}
}

// noMembers asks a server not to send Group.members (ignored by some).
var noMembers = url.Values{"excludedAttributes": {"members"}}

func listEntitlements(ctx context.Context, req toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	groups := flat(ss, ss.s.GroupsPath, noMembers, func(g *group) []toolkit.FoundEntitlementData {
		if g.ID == "" {
			return nil
		}
		return []toolkit.FoundEntitlementData{entitlement(g)}
	})
	ents, p, err := page[toolkit.FoundEntitlementData](ctx, ss, toolkit.CapListEntitlements.Name(), req.Page, true, groups)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	return toolkit.ListEntitlementsResponse{Response: ents, Page: p}, nil
}

// association is one user's membership of one group.
func association(userID, groupID string) toolkit.FoundEntitlementAssociation {
	return toolkit.FoundEntitlementAssociation{AccountID: userID, IntegrationSpecificEntitlementID: groupID, IntegrationSpecificResourceID: ""}
}

// groupAssociations are a Group's user members as associations.
func groupAssociations(g *group) []toolkit.FoundEntitlementAssociation {
	var out []toolkit.FoundEntitlementAssociation
	for _, m := range g.Members {
		if g.ID != "" && userMember(m) {
			out = append(out, association(m.Value, g.ID))
		}
	}
	return out
}

// userAssociations are a User's groups as associations.
func userAssociations(u *user) []toolkit.FoundEntitlementAssociation {
	var out []toolkit.FoundEntitlementAssociation
	for _, g := range u.Groups {
		if u.ID != "" && g.Value != "" {
			out = append(out, association(u.ID, g.Value))
		}
	}
	return out
}

func findEntitlementAssociations(ctx context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	var phase paginate.Phase[toolkit.FoundEntitlementAssociation]
	switch ss.s.MembershipSource {
	case MembershipUserGroups:
		phase = flat(ss, ss.s.UsersPath, nil, userAssociations)
	case MembershipUsersByGroup:
		phase = ss.usersByGroup()
	default:
		phase = flat(ss, ss.s.GroupsPath, nil, groupAssociations)
	}
	as, p, err := page(ctx, ss, toolkit.CapFindEntitlementAssociations.Name(), req.Page, false, phase)
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
	id := req.Request.AccountID
	u, err := ss.getUser(ctx, id) // not_found for an unknown account, and User.groups
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	if ss.s.MembershipSource != MembershipGroupMembers {
		// User.groups: with users_by_group the server filters on it, so it has it.
		return toolkit.GetAccountEntitlementAssociationsResponse{Response: orEmpty(userAssociations(u))}, nil
	}
	var extra url.Values
	if ss.s.FilterSupported {
		extra = url.Values{"filter": {eqFilter("members.value", id)}}
	}
	out := []toolkit.FoundEntitlementAssociation{}
	err = scan(ctx, ss, listPath(ss.s.GroupsPath, 1, ss.s.PageSize, extra), func(gs []group) bool {
		for i := range gs {
			if gs[i].ID != "" && gs[i].hasMember(id) {
				out = append(out, association(id, gs[i].ID))
			}
		}
		return false
	})
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	return toolkit.GetAccountEntitlementAssociationsResponse{Response: out}, nil
}

func orEmpty[E any](s []E) []E {
	if s == nil {
		return []E{}
	}
	return s
}

// ---- assign / unassign -----------------------------------------------------------

// checkRef refuses a reference that is not a group_member entitlement on
// the tenant.
func checkRef(r toolkit.EntitlementRef) error {
	if r.EntitlementType != EntitlementTypeGroupMember {
		return errs.Newf(errs.BadRequest, "Unknown entitlement type %q: the SCIM connector grants only %q.", r.EntitlementType, EntitlementTypeGroupMember)
	}
	if r.ResourceID != "" {
		return errs.Newf(errs.NotFound, "Unknown resource %q: SCIM groups are entitlements on the tenant (resource \"\").", r.ResourceID)
	}
	if err := checkID(r.AccountID, "account"); err != nil {
		return err
	}
	return checkID(r.EntitlementID, "group")
}

// changeMembership adds (add) or removes the account to or from the
// group, after reading both: a repeat is a noop.
func (ss *session) changeMembership(ctx context.Context, r toolkit.EntitlementRef, add bool) (toolkit.Effect, error) {
	if err := checkRef(r); err != nil {
		return toolkit.Effect{}, err
	}
	u, err := ss.getUser(ctx, r.AccountID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	var g group
	at := ss.groupPath(r.EntitlementID)
	if ss.s.MembershipSource == MembershipUsersByGroup {
		at += "?" + noMembers.Encode() // a very large group: membership from User.groups
	}
	if _, err := ss.c.GetJSON(ctx, at, &g); err != nil {
		return toolkit.Effect{}, notFound(err, "The SCIM group "+strconvQuote(r.EntitlementID))
	}
	member := g.hasMember(r.AccountID)
	if ss.s.MembershipSource == MembershipUsersByGroup {
		member = u.inGroup(r.EntitlementID)
	}
	if member == add {
		return toolkit.Noop(), nil
	}
	op := patchOp{Op: ss.op("add"), Path: "members", Value: []ref{{Value: r.AccountID}}}
	eff := toolkit.Created()
	if !add {
		op = patchOp{Op: ss.op("remove"), Path: fmt.Sprintf("members[value eq %q]", r.AccountID)}
		eff = toolkit.Deleted()
	}
	if err := ss.patch(ctx, ss.groupPath(r.EntitlementID), op); err != nil {
		return toolkit.Effect{}, notFound(err, "The SCIM group "+strconvQuote(r.EntitlementID))
	}
	return eff, nil
}

// changeEntitlement adds the user to the group or removes it (the shared
// part of assign_entitlement and unassign_entitlement, see
// toolkit.HandleEntitlementChanges).
func changeEntitlement(ctx context.Context, c toolkit.EntitlementChange) (toolkit.Effect, error) {
	ss, err := newSession(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, err
	}
	return ss.changeMembership(ctx, c.Request.Request, c.Grant)
}

// inGroup reports whether User.groups names the group.
func (u *user) inGroup(groupID string) bool {
	for _, g := range u.Groups {
		if g.Value == groupID {
			return true
		}
	}
	return false
}

// usersByGroup is the Nested phase of membership_source users_by_group:
// the Groups listing without members (excludedAttributes=members), and for
// each group the Users filtered by groups.value eq "<id>", paged with
// startIndex/count like every listing, so no answer carries more than
// page_size members.
func (ss *session) usersByGroup() paginate.Nested[group, toolkit.FoundEntitlementAssociation] {
	return paginate.Nested[group, toolkit.FoundEntitlementAssociation]{
		First: listPath(ss.s.GroupsPath, 1, ss.s.PageSize, noMembers),
		Outer: func(ctx context.Context, at string) ([]group, string, error) {
			gs, next, err := getList[group](ctx, ss, at)
			if err != nil {
				return nil, "", err
			}
			kept := gs[:0]
			for _, g := range gs {
				if g.ID != "" {
					kept = append(kept, g)
				}
			}
			return kept, next, nil
		},
		InnerFirst: func(g group) string {
			return listPath(ss.s.UsersPath, 1, ss.s.PageSize, url.Values{"filter": {eqFilter("groups.value", g.ID)}})
		},
		Inner: func(ctx context.Context, g group, at string) ([]toolkit.FoundEntitlementAssociation, string, error) {
			us, next, err := getList[user](ctx, ss, at)
			if err != nil {
				return nil, "", err
			}
			out := make([]toolkit.FoundEntitlementAssociation, 0, len(us))
			for _, u := range us {
				if u.ID != "" {
					out = append(out, association(u.ID, g.ID))
				}
			}
			return out, next, nil
		},
	}
}
