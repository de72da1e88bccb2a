package ldap_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/matryer/is"
)

// The containers of the container tests, below ldaptest.GroupsDN: eng and
// ops, sub inside eng, and empty (no group: never a resource).
var (
	engDN   = "ou=eng," + ldaptest.GroupsDN
	opsDN   = "ou=ops," + ldaptest.GroupsDN
	subDN   = "ou=sub," + engDN
	emptyDN = "ou=empty," + ldaptest.GroupsDN
)

// ouLDIF is LDIF for an organizationalUnit.
func ouLDIF(dn string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(dn, "ou="), ",")
	return fmt.Sprintf("dn: %s\nobjectClass: organizationalUnit\nou: %s\n\n", dn, name)
}

// groupIn is LDIF for a groupOfNames cn=<name> in the container dn, its
// members the people named.
func groupIn(dn, name string, members ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dn: cn=%s,%s\nobjectClass: groupOfNames\ncn: %s\n", name, dn, name)
	for _, m := range members {
		fmt.Fprintf(&b, "member: %s\n", ldaptest.UserDN(m))
	}
	b.WriteString("\n")
	return b.String()
}

// containerLDIF is people u00000…u00009 and groups: admins (u0, u1) in the
// groups base itself, devs (u0, u2, u3) in eng, oncall (u3) in ops, leads
// (u4) in sub (inside eng).
func containerLDIF() string {
	return ldaptest.PeopleLDIF("u", 10) + ouLDIF(engDN) + ouLDIF(opsDN) + ouLDIF(subDN) + ouLDIF(emptyDN) +
		groupIn(ldaptest.GroupsDN, "admins", "u00000", "u00001") + groupIn(engDN, "devs", "u00000", "u00002", "u00003") +
		groupIn(opsDN, "oncall", "u00003") + groupIn(subDN, "leads", "u00004")
}

// resource is the part of a resource the tests read.
type resource struct {
	ID        string            `json:"integration_specific_id"`
	Label     string            `json:"label"`
	Type      string            `json:"resource_type"`
	ExtraData map[string]string `json:"extra_data"`
}

// placed is an entitlement or association with its resource.
type placed struct {
	ID         string `json:"integration_specific_id"`
	Label      string `json:"label"`
	Entitled   string `json:"integration_specific_entitlement_id"`
	AccountID  string `json:"account_id"`
	ResourceID string `json:"integration_specific_resource_id"`
}

// entryUUID reads an entry's id straight from the directory.
func entryUUID(t *testing.T, tg *target, dn string) string {
	t.Helper()
	e := directEntry(t, tg, dn, "entryUUID")
	if e == nil {
		t.Fatalf("no entry %s", dn)
	}
	return e.GetAttributeValue("entryUUID")
}

// groupResources maps each group's label to the resource its entitlement
// is on.
func groupResources(t *testing.T, tg *target) map[string]string {
	out := map[string]string{}
	for _, e := range drain[placed](t, tg, "list_entitlements", 2) {
		out[e.Label] = e.ResourceID
	}
	return out
}

// TestGroupContainers lists resources, entitlements and associations with
// group_containers_as_resources off and on: off, everything is on the
// directory as before; on, the OUs holding groups are resources and every
// group is on its parent, except those directly in the groups base.
func TestGroupContainers(t *testing.T) {
	base := start(t, ldaptest.Options{LDIF: containerLDIF()}, nil)
	eng, ops, sub := entryUUID(t, base, engDN), entryUUID(t, base, opsDN), entryUUID(t, base, subDN)
	cases := []struct {
		name      string
		setting   any
		resources map[string]string // id → label
		groups    map[string]string // group → resource id
	}{
		{"unset", nil, map[string]string{"": "LDAP directory " + base.srv.URL},
			map[string]string{"admins": "", "devs": "", "oncall": "", "leads": ""}},
		{"off", false, map[string]string{"": "LDAP directory " + base.srv.URL},
			map[string]string{"admins": "", "devs": "", "oncall": "", "leads": ""}},
		{"on", true, map[string]string{"": "LDAP directory " + base.srv.URL, eng: "eng", ops: "ops", sub: "sub"},
			map[string]string{"admins": "", "devs": eng, "oncall": ops, "leads": sub}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			tg := base.with(map[string]any{"group_containers_as_resources": c.setting})
			for _, size := range []int{0, 1, 2, 3, 100} {
				rs := drain[resource](t, tg, "list_resources", size)
				got := map[string]string{}
				for _, r := range rs {
					_, dup := got[r.ID]
					is.True(!dup) // no resource twice
					got[r.ID] = r.Label
					if r.ID == "" {
						is.Equal(r.Type, ldap.ResourceTypeDirectory)
						continue
					}
					is.Equal(r.Type, ldap.ResourceTypeOrganizationalUnit)
					is.Equal(r.ExtraData["object_class"], "organizationalUnit")
					is.Equal(r.ExtraData["dn"], map[string]string{eng: engDN, ops: opsDN, sub: subDN}[r.ID])
				}
				is.Equal(got, c.resources)
				is.Equal(rs[0].ID, "") // the directory first
				ids := []string{}
				for _, r := range rs[1:] {
					ids = append(ids, r.ID)
				}
				is.True(sort.StringsAreSorted(ids)) // then in id order
			}
			is.Equal(groupResources(t, tg), c.groups)

			groups, users := byName(t, tg)
			for _, size := range []int{1, 2, 100} {
				as := drain[placed](t, tg, "find_entitlement_associations", size)
				is.Equal(len(as), 7) // admins 2 + devs 3 + oncall 1 + leads 1
				for _, a := range as {
					is.Equal(a.ResourceID, c.groups[labelOf(groups, a.Entitled)])
				}
			}
			var mine []placed
			tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["u00003"]}, nil, &mine)
			is.Equal(len(mine), 2) // devs and oncall
			for _, a := range mine {
				is.Equal(a.ResourceID, c.groups[labelOf(groups, a.Entitled)])
			}
		})
	}
}

// labelOf is the label of the group with the id.
func labelOf(groups map[string]string, id string) string {
	for label, gid := range groups {
		if gid == id {
			return label
		}
	}
	return ""
}

// TestGroupContainerWrites assigns and unassigns with the group's container
// and with the wrong one, setting on and off, and creates an account with a
// group in a container.
func TestGroupContainerWrites(t *testing.T) {
	base := start(t, ldaptest.Options{LDIF: containerLDIF()}, nil)
	on := base.with(map[string]any{"group_containers_as_resources": true})
	eng, ops := entryUUID(t, base, engDN), entryUUID(t, base, opsDN)
	groups, users := byName(t, base)
	ref := func(group, resourceType, resource string) map[string]any {
		return map[string]any{"account_integration_specific_id": users["u00009"], "resource_type": resourceType,
			"resource_integration_specific_id": resource, "entitlement_type": "group_member", "entitlement_integration_specific_id": groups[group]}
	}
	members := func(dn string) int { return len(directEntry(t, base, dn, "member").GetAttributeValues("member")) }
	ok := []struct {
		name, group, rtype, resource, dn string
		tg                               *target
	}{
		{"on, in eng", "devs", "organizational_unit", eng, "cn=devs," + engDN, on},
		{"on, eng's id in upper case", "devs", "organizational_unit", strings.ToUpper(eng), "cn=devs," + engDN, on},
		{"on, in ops", "oncall", "organizational_unit", ops, "cn=oncall," + opsDN, on},
		{"on, at the base", "admins", "directory", "", "cn=admins," + ldaptest.GroupsDN, on},
		{"off, in eng on the directory", "devs", "directory", "", "cn=devs," + engDN, base},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			before := members(c.dn)
			for _, want := range []string{"created", "noop"} {
				env := c.tg.ok(t, "assign_entitlement", ref(c.group, c.rtype, c.resource), nil, nil)
				is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
				is.Equal(members(c.dn), before+1) // in the directory
			}
			for _, want := range []string{"deleted", "noop"} {
				env := c.tg.ok(t, "unassign_entitlement", ref(c.group, c.rtype, c.resource), nil, nil)
				is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
			}
			is.Equal(members(c.dn), before)
		})
	}
	refused := []struct {
		name, group, resource, want string
		tg                          *target
	}{
		{"on, devs in ops", "devs", ops, "its container is " + engDN, on},
		{"on, devs on the directory", "devs", "", "its container is " + engDN, on},
		{"on, admins in eng", "admins", eng, "directly in the groups base", on},
		{"on, devs in an unknown resource", "devs", "no-such-ou", "is not in the resource \"no-such-ou\"", on},
		{"off, devs in eng", "devs", eng, "groups are entitlements on the directory", base},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			dn := "cn=" + c.group + "," + map[string]string{"devs": engDN, "admins": ldaptest.GroupsDN}[c.group]
			before := members(dn)
			for _, capName := range []string{"assign_entitlement", "unassign_entitlement"} {
				c.tg.fail(t, capName, ref(c.group, "organizational_unit", c.resource), "not_found", c.want)
			}
			is.Equal(members(dn), before) // nothing written
		})
	}
	t.Run("create_account", func(t *testing.T) {
		is := is.New(t)
		var created struct {
			ID string `json:"id"`
		}
		on.ok(t, "create_account", map[string]any{"username": "newbie", "entitlements": []any{
			map[string]any{"entitlement_type": "group_member", "integration_specific_id": groups["oncall"], "integration_specific_resource_id": ops},
			map[string]any{"entitlement_type": "group_member", "integration_specific_id": groups["admins"], "integration_specific_resource_id": ""},
		}}, nil, &created)
		var mine []placed
		on.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": created.ID}, nil, &mine)
		got := map[string]string{}
		for _, a := range mine {
			got[labelOf(groups, a.Entitled)] = a.ResourceID
		}
		is.Equal(got, map[string]string{"oncall": ops, "admins": ""})
		on.fail(t, "create_account", map[string]any{"username": "wrongou", "entitlements": []any{
			map[string]any{"entitlement_type": "group_member", "integration_specific_id": groups["oncall"], "integration_specific_resource_id": eng},
		}}, "not_found", "its container is "+opsDN)
		on.fail(t, "create_account", map[string]any{"username": "nogroup", "entitlements": []any{
			map[string]any{"entitlement_type": "group_member", "integration_specific_id": "00000000-0000-0000-0000-000000000000", "integration_specific_resource_id": ""},
		}}, "not_found", "No group has the id")
		for _, login := range []string{"wrongou", "nogroup"} { // refused before anything was written
			var found []account
			on.ok(t, "list_accounts", map[string]any{}, nil, &found)
			for _, a := range found {
				is.True(a.Username != login)
			}
		}
	})
}

// TestContainerRenameKeepsID renames a container and moves another (modrdn):
// the resources keep their ids, with the new label and DN, and the groups
// stay on them.
func TestContainerRenameKeepsID(t *testing.T) {
	is := is.New(t)
	tg := start(t, ldaptest.Options{LDIF: containerLDIF()}, map[string]any{"group_containers_as_resources": true})
	eng, sub := entryUUID(t, tg, engDN), entryUUID(t, tg, subDN)
	groups, users := byName(t, tg)
	c, err := tg.srv.Dial()
	is.NoErr(err)
	defer c.Close()
	is.NoErr(c.ModifyDN(goldap.NewModifyDNRequest(engDN, "ou=engineering", true, "")))
	newEng := "ou=engineering," + ldaptest.GroupsDN
	// sub moves out of eng to the groups base's sibling level under ops
	is.NoErr(c.ModifyDN(goldap.NewModifyDNRequest("ou=sub,"+newEng, "ou=sub", true, opsDN)))
	newSub := "ou=sub," + opsDN

	byID := map[string]resource{}
	for _, r := range drain[resource](t, tg, "list_resources", 2) {
		byID[r.ID] = r
	}
	is.Equal(byID[eng].Label, "engineering")
	is.Equal(byID[eng].ExtraData["dn"], newEng)
	is.Equal(byID[sub].Label, "sub")
	is.Equal(byID[sub].ExtraData["dn"], newSub)
	is.Equal(groupResources(t, tg)["devs"], eng)
	is.Equal(groupResources(t, tg)["leads"], sub)

	ref := map[string]any{"account_integration_specific_id": users["u00009"], "resource_type": "organizational_unit",
		"resource_integration_specific_id": sub, "entitlement_type": "group_member", "entitlement_integration_specific_id": groups["leads"]}
	env := tg.ok(t, "assign_entitlement", ref, nil, nil)
	is.Equal(string(env.ExecutionSummary.Effect.Kind), "created")
	is.Equal(len(directEntry(t, tg, "cn=leads,"+newSub, "member").GetAttributeValues("member")), 2)
}

// TestContainerConformance runs the conformance suite, writes included,
// with group_containers_as_resources on.
func TestContainerConformance(t *testing.T) {
	tg := start(t, ldaptest.Options{LDIF: containerLDIF()}, map[string]any{"group_containers_as_resources": true})
	connectortest.Conformance(t, ldap.Integration(), connectortest.Options{
		Request:     tg.request(nil, nil),
		AllowWrites: true,
		PageSize:    2,
	})
}

// TestADGroupContainers lists the Samba domain's group containers with the
// groups base at the domain: the groups filter decides which of CN=Users,
// CN=Builtin and the seeded OU appear; with the groups base at the seeded
// OU, its groups are on the directory.
func TestADGroupContainers(t *testing.T) {
	usersGUID := guidString(adEntry(t, "CN=Users,"+ldaptest.ADBaseDN, "objectGUID").GetRawAttributeValue("objectGUID"))
	builtinGUID := guidString(adEntry(t, "CN=Builtin,"+ldaptest.ADBaseDN, "objectGUID").GetRawAttributeValue("objectGUID"))
	groupsGUID := guidString(adEntry(t, adGroups, "objectGUID").GetRawAttributeValue("objectGUID"))
	cases := []struct {
		name, base, filter string
		want               map[string]string // id → label/object class
		groups             map[string]string // group → resource id (some of them)
	}{
		{"every group", ldaptest.ADBaseDN, "",
			map[string]string{"": "", usersGUID: "Users/container", builtinGUID: "Builtin/builtinDomain", groupsGUID: "groups/organizationalUnit"},
			map[string]string{"admins": groupsGUID, "Domain Users": usersGUID, "Administrators": builtinGUID}},
		{"Domain groups only", ldaptest.ADBaseDN, "(&(objectClass=group)(cn=Domain*))",
			map[string]string{"": "", usersGUID: "Users/container"},
			map[string]string{"Domain Users": usersGUID}},
		{"the seeded groups only", ldaptest.ADBaseDN, "(&(objectClass=group)(|(cn=admins)(cn=staff)(cn=big)))",
			map[string]string{"": "", groupsGUID: "groups/organizationalUnit"},
			map[string]string{"admins": groupsGUID, "staff": groupsGUID, "big": groupsGUID}},
		{"groups base at the OU", adGroups, "",
			map[string]string{"": ""},
			map[string]string{"admins": "", "staff": "", "big": ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			extra := map[string]any{"group_containers_as_resources": true, "groups_base_dn": c.base}
			if c.filter != "" {
				extra["groups_filter"] = c.filter
			}
			tg := adTarget(t, extra)
			for _, size := range []int{1, 100} {
				got := map[string]string{}
				for _, r := range drain[resource](t, tg, "list_resources", size) {
					got[r.ID] = ""
					if r.ID != "" {
						is.Equal(r.Type, ldap.ResourceTypeOrganizationalUnit)
						got[r.ID] = r.Label + "/" + r.ExtraData["object_class"]
					}
				}
				is.Equal(got, c.want)
			}
			placedOn := groupResources(t, tg)
			for g, want := range c.groups {
				is.Equal(placedOn[g], want) // the group on its container
			}
		})
	}
	t.Run("assign in the wrong container", func(t *testing.T) {
		tg := adTarget(t, map[string]any{"group_containers_as_resources": true, "groups_base_dn": ldaptest.ADBaseDN})
		groups, users := byName(t, tg)
		ref := map[string]any{"account_integration_specific_id": users["a00005"], "resource_type": "organizational_unit",
			"resource_integration_specific_id": usersGUID, "entitlement_type": "group_member", "entitlement_integration_specific_id": groups["admins"]}
		tg.fail(t, "assign_entitlement", ref, "not_found", "its container is "+adGroups)
	})
}

// TestManyContainers lists 230 containers (more than one search's batch of
// 100) at several Lumos page sizes: each once, in id order, every group on
// its own container in every listing.
func TestManyContainers(t *testing.T) {
	const n = 230
	ldif := containerLDIF()
	for i := range n {
		dn := fmt.Sprintf("ou=t%03d,%s", i, ldaptest.GroupsDN)
		ldif += ouLDIF(dn) + groupIn(dn, fmt.Sprintf("g%03d", i), "u00005")
	}
	tg := start(t, ldaptest.Options{LDIF: ldif}, map[string]any{"group_containers_as_resources": true})
	labels := map[string]string{} // resource id → label
	for _, size := range []int{7, 100, 1000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := is.New(t)
			rs := drain[resource](t, tg, "list_resources", size)
			is.Equal(len(rs), 1+3+n) // the directory, eng, ops, sub and t000…t229
			for i, r := range rs[1:] {
				is.True(i == 0 || rs[i].ID < r.ID) // in id order, each once
				labels[r.ID] = r.Label
			}
		})
	}
	is := is.New(t)
	groups, users := byName(t, tg)
	ents := drain[placed](t, tg, "list_entitlements", 64)
	is.Equal(len(ents), 4+n)
	for _, e := range ents {
		if strings.HasPrefix(e.Label, "g") {
			is.Equal(labels[e.ResourceID], "t"+e.Label[1:]) // g123 on t123
		}
	}
	onT := 0
	for _, a := range drain[placed](t, tg, "find_entitlement_associations", 64) {
		if label := labelOf(groups, a.Entitled); strings.HasPrefix(label, "g") {
			is.Equal(labels[a.ResourceID], "t"+label[1:])
			onT++
		}
	}
	is.Equal(onT, n)
	var mine []placed
	tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["u00005"]}, nil, &mine)
	is.Equal(len(mine), n)
	for _, a := range mine {
		is.Equal(labels[a.ResourceID], "t"+labelOf(groups, a.Entitled)[1:])
	}
}
