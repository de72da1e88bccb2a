package ldap

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// With group_containers_as_resources, the entry directly holding a group
// (an OU, an Active Directory container) is a resource of type
// organizational_unit when it lies strictly below the groups base; groups
// whose parent is the groups base itself stay on the directory (""). A
// container is found from its DN with one search per resolveBatch of
// them (an equality filter on the flavor's DN attribute), never one
// lookup per group.

// container is an entry holding groups, as a resource.
type container struct {
	id    string
	key   []byte
	dn    string
	label string
	class string
}

// resource is the Lumos resource of a container.
func (c *container) resource() toolkit.FoundResourceData {
	return toolkit.FoundResourceData{
		IntegrationSpecificID: c.id, Label: c.label, ResourceType: ResourceTypeOrganizationalUnit,
		ExtraData: map[string]string{"dn": c.dn, "object_class": c.class},
	}
}

// containerAttrs are the attributes a container is read with.
var containerAttrs = []string{"ou", "cn", "objectClass"}

// parentDN is the DN of the entry holding the entry dn ("" when dn has a
// single RDN): dn without its first RDN, as the server wrote it.
func parentDN(dn string) string {
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++ // an escaped character, possibly a comma
		case ',':
			return strings.TrimSpace(dn[i+1:])
		}
	}
	return ""
}

// rdnValue is the value of the first attribute of dn's first RDN.
func rdnValue(dn string) string {
	p, err := goldap.ParseDN(dn)
	if err != nil || len(p.RDNs) == 0 || len(p.RDNs[0].Attributes) == 0 {
		return dn
	}
	return p.RDNs[0].Attributes[0].Value
}

// objectClass is the class that says what kind of container e is:
// organizationalUnit or container when it has one, else its most specific
// (last) object class.
func objectClass(e *goldap.Entry) string {
	classes := e.GetAttributeValues("objectClass")
	for _, want := range []string{"organizationalUnit", "container"} {
		for _, c := range classes {
			if strings.EqualFold(c, want) {
				return want
			}
		}
	}
	if len(classes) == 0 {
		return ""
	}
	return classes[len(classes)-1]
}

// containers is one call's index of the containers of groups, by the
// canonical DN of the container (nil: not a resource; the groups base,
// an entry outside it, or one without an id).
type containers struct {
	ss   *session
	on   bool
	base string
	byDN map[string]*container
}

// containers is a new, empty index; with the setting off it answers "" for
// every group without reading anything.
func (ss *session) containers() *containers {
	return &containers{ss: ss, on: ss.GroupContainers, base: canonDN(ss.GroupsBaseDN), byDN: map[string]*container{}}
}

// load reads the containers of the groups with the DNs given that are not
// known yet, resolveBatch of them a search.
func (cs *containers) load(ctx context.Context, groupDNs []string) error {
	if !cs.on {
		return nil
	}
	var want []string
	for _, dn := range groupDNs {
		p := parentDN(dn)
		k := canonDN(p)
		if _, known := cs.byDN[k]; known {
			continue
		}
		cs.byDN[k] = nil
		if p != "" && strings.HasSuffix(k, ","+cs.base) {
			want = append(want, p)
		}
	}
	attr := cs.ss.f.dnAttr
	for chunk := range slices.Chunk(want, resolveBatch) {
		var f strings.Builder
		f.WriteString("(|")
		for _, dn := range chunk {
			fmt.Fprintf(&f, "(%s=%s)", attr, goldap.EscapeFilter(dn))
		}
		f.WriteString(")")
		req := goldap.NewSearchRequest(cs.ss.GroupsBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, f.String(),
			append(slices.Clone(containerAttrs), cs.ss.IDAttribute), nil)
		if _, err := cs.ss.pagedSearch(ctx, req, 0, func(e *goldap.Entry) bool {
			id, key := cs.ss.entryID(e)
			if id == "" {
				return false
			}
			label := e.GetAttributeValue("ou")
			if label == "" {
				label = e.GetAttributeValue("cn")
			}
			if label == "" {
				label = rdnValue(e.DN)
			}
			cs.byDN[canonDN(e.DN)] = &container{id: id, key: key, dn: e.DN, label: label, class: objectClass(e)}
			return false
		}); err != nil {
			return err
		}
	}
	return nil
}

// of is the container of the group with the DN (nil: the group is on the
// directory), read when not known yet.
func (cs *containers) of(ctx context.Context, groupDN string) (*container, error) {
	if !cs.on {
		return nil, nil
	}
	if err := cs.load(ctx, []string{groupDN}); err != nil {
		return nil, err
	}
	return cs.byDN[canonDN(parentDN(groupDN))], nil
}

// resourceOf is the resource id of the group with the DN: its container's
// id, or "" for the directory.
func (cs *containers) resourceOf(ctx context.Context, groupDN string) (string, error) {
	c, err := cs.of(ctx, groupDN)
	if c == nil || err != nil {
		return "", err
	}
	return c.id, nil
}

// dns are the DNs of the entries.
func dns(ks []keyed) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.e.DN
	}
	return out
}

// all is every container holding at least one group of the groups base
// and filter, in id order: one scan of the groups' DNs, then their
// containers.
func (cs *containers) all(ctx context.Context) ([]*container, error) {
	var groups []string
	req := goldap.NewSearchRequest(cs.ss.GroupsBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, cs.ss.GroupsFilter,
		[]string{"1.1"}, nil)
	if _, err := cs.ss.pagedSearch(ctx, req, 0, func(e *goldap.Entry) bool {
		groups = append(groups, e.DN)
		return false
	}); err != nil {
		return nil, err
	}
	if err := cs.load(ctx, groups); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*container
	for _, g := range groups {
		c := cs.byDN[canonDN(parentDN(g))]
		if c != nil && !seen[c.id] {
			seen[c.id] = true
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *container) int { return bytes.Compare(a.key, b.key) })
	return out, nil
}

// containerPhase is the Flat phase of list_resources after the directory:
// the containers in id order, n a page, each page resumed after the last
// id returned. Each call reads the groups' DNs once (the set of containers
// is known only from the groups).
func (ss *session) containerPhase() paginate.Flat[toolkit.FoundResourceData] {
	cs := ss.containers()
	var list []*container
	read := false
	return paginate.Flat[toolkit.FoundResourceData]{
		FirstFor: func(pp int) string { return position{n: pp}.String() },
		SizeOf:   func(at string) int { return parsePosition(at).n },
		Fetch: func(ctx context.Context, at string) ([]toolkit.FoundResourceData, string, error) {
			if !read {
				var err error
				if list, err = cs.all(ctx); err != nil {
					return nil, "", err
				}
				read = true
			}
			p := parsePosition(at)
			rest := list
			if p.after != "" {
				after, err := ss.idKey(p.after)
				if err != nil {
					return nil, "", errs.Wrap(err, errs.InvalidPageToken, "The page token's position is not an id of this directory.")
				}
				i := slices.IndexFunc(list, func(c *container) bool { return bytes.Compare(c.key, after) > 0 })
				if i < 0 {
					i = len(list)
				}
				rest = list[i:]
			}
			n := min(p.n, len(rest))
			out := make([]toolkit.FoundResourceData, n)
			for i, c := range rest[:n] {
				out[i] = c.resource()
			}
			if n == len(rest) {
				return out, "", nil
			}
			return out, position{n: p.n, after: rest[n-1].id}.String(), nil
		},
	}
}

// sameID reports whether two ids name the same entry ("" only equals "").
func (c *config) sameID(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return a == b
	}
	ka, err := c.idKey(a)
	if err != nil {
		return false
	}
	kb, err := c.idKey(b)
	return err == nil && bytes.Equal(ka, kb)
}

// checkContainer refuses a reference whose resource is not the group's:
// its container's id, or "" for a group directly in the groups base.
func (ss *session) checkContainer(ctx context.Context, r toolkit.EntitlementRef, group *goldap.Entry) error {
	c, err := ss.containers().of(ctx, group.DN)
	if err != nil {
		return err
	}
	switch {
	case c == nil && strings.TrimSpace(r.ResourceID) == "":
		return nil
	case c == nil:
		return errs.Newf(errs.NotFound, "The group %q (%s) is not in the resource %q: it is directly in the groups base, on the directory (resource \"\").",
			r.EntitlementID, group.DN, r.ResourceID)
	case ss.sameID(c.id, r.ResourceID):
		return nil
	}
	return errs.Newf(errs.NotFound, "The group %q (%s) is not in the resource %q: its container is %s, resource %q.",
		r.EntitlementID, group.DN, r.ResourceID, c.dn, c.id)
}

// mapFlat is the Flat phase f with each entry turned into an E.
func mapFlat[E any](f paginate.Flat[keyed], each func(keyed) E) paginate.Flat[E] {
	return paginate.Flat[E]{
		FirstFor: f.FirstFor,
		SizeOf:   f.SizeOf,
		Fetch: func(ctx context.Context, at string) ([]E, string, error) {
			ks, next, err := f.Fetch(ctx, at)
			if err != nil {
				return nil, "", err
			}
			out := make([]E, len(ks))
			for i, k := range ks {
				out[i] = each(k)
			}
			return out, next, err
		},
	}
}
