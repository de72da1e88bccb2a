package ldap

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// inChain is Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: a member
// filter with it matches the groups that hold the value directly or through
// nested groups.
const inChain = "1.2.840.113556.1.4.1941"

// resolveBatch is how many member values one search resolves to ids.
const resolveBatch = 100

func listResources(ctx context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
	c, err := decodeSettings(req.Settings)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	extra := map[string]string{"url": c.URL}
	if c.BaseDN != "" {
		extra["base_dn"] = c.BaseDN
	}
	dir := toolkit.FoundResourceData{IntegrationSpecificID: "", Label: "LDAP directory " + c.URL, ResourceType: ResourceTypeDirectory, ExtraData: extra}
	if !c.GroupContainers {
		return toolkit.ListResourcesResponse{Response: []toolkit.FoundResourceData{dir}}, nil
	}
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	defer ss.close()
	directory := paginate.Static[toolkit.FoundResourceData]{Entries: func(context.Context) ([]toolkit.FoundResourceData, error) {
		return []toolkit.FoundResourceData{dir}, nil
	}}
	rs, p, err := page[toolkit.FoundResourceData](ctx, ss, toolkit.CapListResources.Name(), req.Page, true, directory, ss.containerPhase())
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	return toolkit.ListResourcesResponse{Response: rs, Page: p}, nil
}

// groupAttrs are the attributes an entitlement is read with.
var groupAttrs = []string{"cn", "description"}

// entitlement is the group_member entitlement of a group entry, on the
// resource given.
func entitlement(k keyed, resource string) toolkit.FoundEntitlementData {
	label := k.e.GetAttributeValue("cn")
	if label == "" {
		label = k.e.DN
	}
	d := fmt.Sprintf("Member of the LDAP group %s", label)
	if v := k.e.GetAttributeValue("description"); v != "" {
		d = v
	}
	return toolkit.FoundEntitlementData{
		EntitlementType: EntitlementTypeGroupMember, IntegrationSpecificID: k.id, IntegrationSpecificResourceID: resource,
		IsAssignable: toolkit.Ptr(true), Label: label, Description: toolkit.Ptr(d), ExtraData: map[string]any{"dn": k.e.DN},
	}
}

func listEntitlements(ctx context.Context, req toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	defer ss.close()
	cs := ss.containers()
	groups := sorted(ss, ss.GroupsBaseDN, ss.GroupsFilter, groupAttrs, func(k keyed) []keyed { return []keyed{k} })
	fetch := groups.Fetch
	groups.Fetch = func(ctx context.Context, at string) ([]keyed, string, error) {
		ks, next, err := fetch(ctx, at)
		if err == nil {
			err = cs.load(ctx, dns(ks))
		}
		return ks, next, err
	}
	ents := mapFlat(groups, func(k keyed) toolkit.FoundEntitlementData {
		r, _ := cs.resourceOf(ctx, k.e.DN) // loaded with the page
		return entitlement(k, r)
	})
	out, p, err := page[toolkit.FoundEntitlementData](ctx, ss, toolkit.CapListEntitlements.Name(), req.Page, true, ents)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	return toolkit.ListEntitlementsResponse{Response: out, Page: p}, nil
}

// association is one account's membership of one group on its resource.
func association(accountID, groupID, resource string) toolkit.FoundEntitlementAssociation {
	return toolkit.FoundEntitlementAssociation{AccountID: accountID, IntegrationSpecificEntitlementID: groupID, IntegrationSpecificResourceID: resource}
}

// ---- members -----------------------------------------------------------------------------

// canonDN is a DN in a form equal for equal DNs: types and values
// lower-cased, no spaces around separators.
func canonDN(dn string) string {
	p, err := goldap.ParseDN(dn)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(dn))
	}
	var b strings.Builder
	for i, r := range p.RDNs {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, a := range r.Attributes {
			if j > 0 {
				b.WriteByte('+')
			}
			b.WriteString(strings.ToLower(a.Type) + "=" + strings.ToLower(a.Value))
		}
	}
	return b.String()
}

// memberValue is the value of the membership attribute naming the user.
func (c *config) memberValue(user *goldap.Entry) (string, error) {
	if !c.memberIsLogin() {
		return user.DN, nil
	}
	v := user.GetAttributeValue(c.LoginAttribute)
	if v == "" {
		return "", errs.Newf(errs.BadRequest, "The account %s has no %s, which %s holds.", user.DN, c.LoginAttribute, c.MemberAttribute)
	}
	return v, nil
}

// rangeOf parses an Active Directory ranged attribute description such as
// "member;range=0-1499" into its attribute and the range's end (-1 for "*").
func rangeOf(desc string) (attr string, end int, ok bool) {
	attr, opt, found := strings.Cut(desc, ";range=")
	if !found {
		return desc, 0, false
	}
	_, hi, _ := strings.Cut(opt, "-")
	if hi == "*" {
		return attr, -1, true
	}
	n, err := strconv.Atoi(hi)
	if err != nil {
		return attr, -1, true
	}
	return attr, n, true
}

// members reads every value of the group's membership attribute, following
// Active Directory's range retrieval (member;range=a-b) when the server
// answers in ranges, sorted.
func (ss *session) members(ctx context.Context, group *goldap.Entry) ([]string, error) {
	var out []string
	e, start := group, 0
	for {
		next := -1
		for _, a := range e.Attributes {
			attr, end, ranged := rangeOf(a.Name)
			if !strings.EqualFold(attr, ss.MemberAttribute) {
				continue
			}
			out = append(out, a.Values...)
			if ranged && end >= 0 {
				next = end + 1
			}
		}
		if next < 0 || next <= start {
			break
		}
		start = next
		res, err := ss.search(ctx, goldap.NewSearchRequest(group.DN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
			"(objectClass=*)", []string{fmt.Sprintf("%s;range=%d-*", ss.MemberAttribute, start)}, nil))
		if err != nil {
			return nil, err
		}
		if len(res.Entries) == 0 {
			break
		}
		e = res.Entries[0]
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// resolve maps member values (DNs, or logins for memberUid) to the ids of
// the accounts they name, in their order; values naming no account (a
// nested group, a user outside the users filter) are left out.
func (ss *session) resolve(ctx context.Context, values []string) ([]string, error) {
	attr := ss.f.dnAttr
	key := canonDN
	if ss.memberIsLogin() {
		attr, key = ss.LoginAttribute, strings.ToLower
	}
	ids := map[string]string{}
	for chunk := range slices.Chunk(values, resolveBatch) {
		var f strings.Builder
		f.WriteString("(&" + ss.UsersFilter + "(|")
		for _, v := range chunk {
			fmt.Fprintf(&f, "(%s=%s)", attr, goldap.EscapeFilter(v))
		}
		f.WriteString("))")
		req := goldap.NewSearchRequest(ss.UsersBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, f.String(),
			[]string{ss.IDAttribute, ss.LoginAttribute}, nil)
		_, err := ss.pagedSearch(ctx, req, 0, func(e *goldap.Entry) bool {
			id, _ := ss.entryID(e)
			if id == "" {
				return false
			}
			if ss.memberIsLogin() {
				for _, v := range e.GetAttributeValues(ss.LoginAttribute) {
					ids[key(v)] = id
				}
			} else {
				ids[key(e.DN)] = id
			}
			return false
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		if id, ok := ids[key(v)]; ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// memberships is the Nested phase of find_entitlement_associations: the
// groups in id order (outer), and for each its members in value order,
// resolved to account ids page_size values at a time (inner, positioned
// by the offset in the sorted member values).
func (ss *session) memberships(perPage int) paginate.Nested[keyed, toolkit.FoundEntitlementAssociation] {
	outer := sorted(ss, ss.GroupsBaseDN, ss.GroupsFilter, []string{"cn"}, func(k keyed) []keyed { return []keyed{k} })
	cs := ss.containers()
	return paginate.Nested[keyed, toolkit.FoundEntitlementAssociation]{
		First: position{n: perPage}.String(),
		Outer: func(ctx context.Context, at string) ([]keyed, string, error) {
			ks, next, err := outer.Fetch(ctx, at)
			if err == nil {
				err = cs.load(ctx, dns(ks))
			}
			return ks, next, err
		},
		InnerFirst: func(keyed) string {
			return "0"
		},
		Inner: func(ctx context.Context, g keyed, at string) ([]toolkit.FoundEntitlementAssociation, string, error) {
			off, _ := strconv.Atoi(at)
			e, err := ss.findByID(ctx, ss.GroupsBaseDN, ss.GroupsFilter, g.id, []string{ss.MemberAttribute})
			if err != nil || e == nil {
				return nil, "", err // a group deleted since: no entries
			}
			vals, err := ss.members(ctx, e)
			if err != nil {
				return nil, "", err
			}
			if off >= len(vals) {
				return nil, "", nil
			}
			end := min(off+ss.PageSize, len(vals))
			ids, err := ss.resolve(ctx, vals[off:end])
			if err != nil {
				return nil, "", err
			}
			r, err := cs.resourceOf(ctx, g.e.DN)
			if err != nil {
				return nil, "", err
			}
			out := make([]toolkit.FoundEntitlementAssociation, len(ids))
			for i, id := range ids {
				out[i] = association(id, g.id, r)
			}
			next := ""
			if end < len(vals) {
				next = strconv.Itoa(end)
			}
			return out, next, nil
		},
	}
}

func findEntitlementAssociations(ctx context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	defer ss.close()
	perPage := DefaultPageSize
	if req.Page != nil && req.Page.Size > 0 {
		perPage = req.Page.Size
	}
	as, p, err := page(ctx, ss, toolkit.CapFindEntitlementAssociations.Name(), req.Page, false, ss.memberships(min(perPage, ss.PageSize)))
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	return toolkit.FindEntitlementAssociationsResponse{Response: as, Page: p}, nil
}

func getAccountEntitlementAssociations(ctx context.Context, req toolkit.GetAccountEntitlementAssociationsRequest) (toolkit.GetAccountEntitlementAssociationsResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	defer ss.close()
	id := req.Request.AccountID
	u, err := ss.findUser(ctx, id, []string{ss.LoginAttribute})
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	v, err := ss.memberValue(u.e)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	rule := ""
	if ss.NestedMemberships {
		rule = ":" + inChain + ":"
	}
	filter := fmt.Sprintf("(&%s(%s%s=%s))", ss.GroupsFilter, ss.MemberAttribute, rule, goldap.EscapeFilter(v))
	var groups []keyed
	req2 := goldap.NewSearchRequest(ss.GroupsBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, filter, []string{ss.IDAttribute}, nil)
	if _, err := ss.pagedSearch(ctx, req2, 0, func(e *goldap.Entry) bool {
		if gid, key := ss.entryID(e); gid != "" {
			groups = append(groups, keyed{gid, key, e})
		}
		return false
	}); err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	cs := ss.containers()
	if err := cs.load(ctx, dns(groups)); err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	out := []toolkit.FoundEntitlementAssociation{}
	for _, g := range groups {
		r, _ := cs.resourceOf(ctx, g.e.DN) // loaded above
		out = append(out, association(u.id, g.id, r))
	}
	slices.SortFunc(out, func(a, b toolkit.FoundEntitlementAssociation) int {
		return strings.Compare(a.IntegrationSpecificEntitlementID, b.IntegrationSpecificEntitlementID)
	})
	return toolkit.GetAccountEntitlementAssociationsResponse{Response: out}, nil
}

// ---- assign / unassign -----------------------------------------------------------

// checkRef refuses a reference that is not a group_member entitlement on
// the directory (on a container too when containers are resources: that
// is checked once the group is read).
func (c *config) checkRef(r toolkit.EntitlementRef) error {
	if r.EntitlementType != EntitlementTypeGroupMember {
		return errs.Newf(errs.BadRequest, "Unknown entitlement type %q: the LDAP connector grants only %q.", r.EntitlementType, EntitlementTypeGroupMember)
	}
	if r.ResourceID != "" && !c.GroupContainers {
		return errs.Newf(errs.NotFound, "Unknown resource %q: groups are entitlements on the directory (resource \"\").", r.ResourceID)
	}
	return nil
}

// group is the group entry a reference names, refused when it is not a
// group of this directory (or, when containers are resources, not in the
// container the reference names).
func (ss *session) group(ctx context.Context, r toolkit.EntitlementRef) (*goldap.Entry, error) {
	if err := ss.checkRef(r); err != nil {
		return nil, err
	}
	g, err := ss.findByID(ctx, ss.GroupsBaseDN, ss.GroupsFilter, r.EntitlementID, nil)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, errs.Newf(errs.NotFound, "No group has the id %q (%s) below %s.", r.EntitlementID, ss.IDAttribute, ss.GroupsBaseDN)
	}
	if ss.GroupContainers {
		if err := ss.checkContainer(ctx, r, g); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// changeMembership adds (add) or removes the account's value to or from
// the group's membership attribute, after reading both: a repeat is a noop.
func (ss *session) changeMembership(ctx context.Context, r toolkit.EntitlementRef, add bool) (toolkit.Effect, error) {
	if err := ss.checkRef(r); err != nil {
		return toolkit.Effect{}, err
	}
	u, err := ss.findUser(ctx, r.AccountID, []string{ss.LoginAttribute})
	if err != nil {
		return toolkit.Effect{}, err
	}
	v, err := ss.memberValue(u.e)
	if err != nil {
		return toolkit.Effect{}, err
	}
	g, err := ss.group(ctx, r)
	if err != nil {
		return toolkit.Effect{}, err
	}
	res, err := ss.search(ctx, goldap.NewSearchRequest(g.DN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		fmt.Sprintf("(%s=%s)", ss.MemberAttribute, goldap.EscapeFilter(v)), []string{"1.1"}, nil))
	if err != nil {
		return toolkit.Effect{}, err
	}
	if (len(res.Entries) > 0) == add {
		return toolkit.Noop(), nil
	}
	mod := goldap.NewModifyRequest(g.DN, nil)
	eff := toolkit.Created()
	if add {
		mod.Add(ss.MemberAttribute, []string{v})
	} else {
		mod.Delete(ss.MemberAttribute, []string{v})
		eff = toolkit.Deleted()
	}
	if err := ss.conn.Modify(mod); err != nil {
		// Changed by someone else between the read and the write: the
		// outcome asked for holds.
		if add && goldap.IsErrorAnyOf(err, goldap.LDAPResultAttributeOrValueExists, goldap.LDAPResultEntryAlreadyExists) ||
			!add && goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchAttribute) {
			return toolkit.Noop(), nil
		}
		if !add && goldap.IsErrorWithCode(err, goldap.LDAPResultObjectClassViolation) {
			return toolkit.Effect{}, errs.Wrap(err, errs.BadRequest, fmt.Sprintf(
				"The group %s cannot lose its last member: its object class requires at least one %s.", g.DN, ss.MemberAttribute))
		}
		return toolkit.Effect{}, err
	}
	return eff, nil
}

// changeEntitlement adds the account to the group or removes it (the shared
// part of assign_entitlement and unassign_entitlement).
func changeEntitlement(ctx context.Context, c toolkit.EntitlementChange) (toolkit.Effect, error) {
	ss, err := open(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, err
	}
	defer ss.close()
	return ss.changeMembership(ctx, c.Request.Request, c.Grant)
}
