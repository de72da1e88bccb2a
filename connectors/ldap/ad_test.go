package ldap_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/matryer/is"
)

// The seeded domain: 10 people a00000… (a00009 disabled) and 1,600 bulk
// people b00000… below ou=people; groups admins (a0, a1), staff (a0…a4,
// and the group admins nested in it) and big (every bulk person: more than
// AD's 1,500 values a range).
const (
	adOU       = "OU=lumos," + ldaptest.ADBaseDN
	adPeople   = "OU=people," + adOU
	adGroups   = "OU=groups," + adOU
	adBulk     = 1600
	adAccounts = 10 + adBulk
)

func adUserDN(name string) string  { return "CN=" + name + "," + adPeople }
func adGroupDN(name string) string { return "CN=" + name + "," + adGroups }

// seedAD adds the OUs, people and groups.
func seedAD(a *ldaptest.AD) error {
	c, err := a.Dial()
	if err != nil {
		return err
	}
	defer c.Close()
	for _, ou := range []string{adOU, adPeople, adGroups} {
		add := goldap.NewAddRequest(ou, nil)
		add.Attribute("objectClass", []string{"organizationalUnit"})
		if err := c.Add(add); err != nil {
			return fmt.Errorf("add %s: %w", ou, err)
		}
	}
	addUser := func(name string, disabled bool) error { return addUserOn(c, name, disabled) }
	for _, u := range uids("a", 10) {
		if err := addUser(u, u == "a00009"); err != nil {
			return fmt.Errorf("add %s: %w", u, err)
		}
	}
	bulk := uids("b", adBulk)
	// Four connections at once: samba serves them in parallel.
	var wg sync.WaitGroup
	errs := make(chan error, adWriters)
	for w := range adWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wc, err := a.Dial()
			if err != nil {
				errs <- err
				return
			}
			defer wc.Close()
			for i := w; i < len(bulk); i += adWriters {
				if err := addUserOn(wc, bulk[i], false); err != nil {
					errs <- fmt.Errorf("add %s: %w", bulk[i], err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	addGroup := func(name string, members []string) error {
		add := goldap.NewAddRequest(adGroupDN(name), nil)
		add.Attribute("objectClass", []string{"top", "group"})
		add.Attribute("sAMAccountName", []string{name})
		if err := c.Add(add); err != nil {
			return err
		}
		for i := 0; i < len(members); i += 500 {
			mod := goldap.NewModifyRequest(adGroupDN(name), nil)
			mod.Add("member", members[i:min(i+500, len(members))])
			if err := c.Modify(mod); err != nil {
				return err
			}
		}
		return nil
	}
	dns := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = adUserDN(n)
		}
		return out
	}
	if err := addGroup("admins", dns(uids("a", 2))); err != nil {
		return err
	}
	if err := addGroup("staff", append(dns(uids("a", 5)), adGroupDN("admins"))); err != nil {
		return err
	}
	return addGroup("big", dns(bulk))
}

// adWriters is how many connections seed the bulk people.
const adWriters = 4

// addUserOn adds a person (disabled or not) over c.
func addUserOn(c *goldap.Conn, name string, disabled bool) error {
	uac := 512 | 32 // NORMAL_ACCOUNT | PASSWD_NOTREQD
	if disabled {
		uac |= 2
	}
	add := goldap.NewAddRequest(adUserDN(name), nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{name})
	add.Attribute("givenName", []string{"Given"})
	add.Attribute("sn", []string{name})
	add.Attribute("mail", []string{name + "@lumos.test"})
	add.Attribute("userAccountControl", []string{strconv.Itoa(uac)})
	return c.Add(add)
}

// adTarget is the connector's view of the shared domain.
func adTarget(t *testing.T, extra map[string]any) *target {
	a := startAD(t)
	settings := map[string]any{"url": a.LDAPSURL, "ca_certificate": a.CAPEM, "flavor": "active_directory",
		"users_base_dn": adPeople, "groups_base_dn": adGroups, "page_size": 1000}
	for k, v := range extra {
		settings[k] = v
	}
	return &target{settings: settings, user: ldaptest.ADAdmin, password: a.AdminPassword, logs: &syncBuffer{}, outputs: &syncBuffer{}}
}

// adEntry reads one entry of the domain by DN.
func adEntry(t *testing.T, dn string, attrs ...string) *goldap.Entry {
	t.Helper()
	c, err := startAD(t).Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", attrs, nil))
	if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return res.Entries[0]
}

// guidString formats a raw objectGUID as Windows prints it (written here
// independently of the connector's own formatting).
func guidString(b []byte) string {
	le := func(x []byte) string {
		r := make([]byte, len(x))
		for i := range x {
			r[i] = x[len(x)-1-i]
		}
		return fmt.Sprintf("%x", r)
	}
	return le(b[0:4]) + "-" + le(b[4:6]) + "-" + le(b[6:8]) + "-" + fmt.Sprintf("%x-%x", b[8:10], b[10:16])
}

// TestADDrain drains the domain's accounts across calls: objectGUID ids in
// their string form, the disabled bit as SUSPENDED, nothing lost or
// repeated.
func TestADDrain(t *testing.T) {
	tg := adTarget(t, nil)
	raw := adEntry(t, adUserDN("a00003"), "objectGUID").GetRawAttributeValue("objectGUID")
	for _, size := range []int{1000, 333} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			is := is.New(t)
			all := drain[account](t, tg, "list_accounts", size)
			names := usernames(t, all) // fails on a duplicate id
			is.Equal(len(names), adAccounts)
			byName := map[string]account{}
			for _, a := range all {
				byName[a.Username] = a
			}
			is.Equal(byName["a00003"].ID, guidString(raw))
			is.Equal(byName["a00003"].Email, "a00003@lumos.test")
			is.Equal(byName["a00009"].UserStatus, "SUSPENDED")
			is.Equal(byName["a00008"].UserStatus, "ACTIVE")
		})
	}
	t.Logf("sorting: server sorted = %t", !strings.Contains(tg.logs.String(), "each page is sorted by the connector"))
}

// TestADMemberships reads memberships: the 1,600-member group through range
// retrieval, nested groups (a member that is a group is no account; with
// nested_memberships, the in-chain rule reports the outer group too).
func TestADMemberships(t *testing.T) {
	is := is.New(t)
	tg := adTarget(t, nil)
	groups, users := byName(t, tg)
	is.Equal(len(groups), 3)
	perGroup := map[string]int{}
	for _, as := range drain[association](t, tg, "find_entitlement_associations", 1000) {
		perGroup[as.EntitlementID]++
	}
	is.Equal(perGroup[groups["big"]], adBulk) // past AD's 1,500-value range
	is.Equal(perGroup[groups["staff"]], 5)    // the nested group is not an account
	is.Equal(perGroup[groups["admins"]], 2)

	var direct, nested []association
	tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["a00001"]}, nil, &direct)
	is.Equal(len(direct), 2) // admins and staff, directly
	tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["a00000"]}, nil, &direct)
	is.Equal(len(direct), 2)
	tg.with(map[string]any{"nested_memberships": true}).ok(t, "get_account_entitlement_associations",
		map[string]any{"account_id": users["b00007"]}, nil, &nested)
	is.Equal(nested, []association{{users["b00007"], groups["big"]}})

	// a00002 is in staff only; put admins' member a00001 aside: a00002 gets
	// admins through nesting only when made a member of admins.
	ref := map[string]any{"account_integration_specific_id": users["a00002"], "resource_type": "directory", "resource_integration_specific_id": "",
		"entitlement_type": "group_member", "entitlement_integration_specific_id": groups["admins"]}
	for _, want := range []string{"created", "noop"} {
		env := tg.ok(t, "assign_entitlement", ref, nil, nil)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
	}
	memberOf := adEntry(t, adUserDN("a00002"), "memberOf").GetAttributeValues("memberOf")
	is.Equal(len(memberOf), 2) // AD's back-link shows the write
	for _, want := range []string{"deleted", "noop"} {
		env := tg.ok(t, "unassign_entitlement", ref, nil, nil)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
	}
	is.Equal(len(adEntry(t, adUserDN("a00002"), "memberOf").GetAttributeValues("memberOf")), 1)
}

// TestADNestedInChain: admins is a member of staff, so a00000 (in admins)
// is in staff directly and through admins; a member of admins only would be
// in staff only through the chain.
func TestADNestedInChain(t *testing.T) {
	is := is.New(t)
	tg := adTarget(t, nil)
	groups, users := byName(t, tg)
	c, err := startAD(t).Dial()
	is.NoErr(err)
	defer c.Close()
	mod := goldap.NewModifyRequest(adGroupDN("admins"), nil)
	mod.Add("member", []string{adUserDN("a00007")})
	is.NoErr(c.Modify(mod))
	var direct, nested []association
	tg.ok(t, "get_account_entitlement_associations", map[string]any{"account_id": users["a00007"]}, nil, &direct)
	is.Equal(direct, []association{{users["a00007"], groups["admins"]}})
	tg.with(map[string]any{"nested_memberships": true}).ok(t, "get_account_entitlement_associations",
		map[string]any{"account_id": users["a00007"]}, nil, &nested)
	is.Equal(len(nested), 2) // admins, and staff through admins
	mod = goldap.NewModifyRequest(adGroupDN("admins"), nil)
	mod.Delete("member", []string{adUserDN("a00007")})
	is.NoErr(c.Modify(mod))
}

// TestADAccountWrites creates, disables, enables and deletes an account,
// checking userAccountControl in the directory, and reads the domain SID as
// the tenant id.
func TestADAccountWrites(t *testing.T) {
	is := is.New(t)
	tg := adTarget(t, nil)
	var v struct {
		Tenant string `json:"unique_tenant_id"`
	}
	tg.ok(t, "validate_credentials", map[string]any{}, nil, &v)
	is.True(strings.HasPrefix(v.Tenant, "S-1-5-21-"))
	var created struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	tg.ok(t, "create_account", map[string]any{"username": "grace", "given_name": "Grace", "family_name": "Hopper", "email": "grace@lumos.test",
		"entitlements": []any{}}, nil, &created)
	dn := adUserDN("Grace Hopper")
	raw := adEntry(t, dn, "objectGUID").GetRawAttributeValue("objectGUID")
	is.Equal(created.ID, guidString(raw))
	uac := func() int64 {
		n, _ := strconv.ParseInt(adEntry(t, dn, "userAccountControl").GetAttributeValue("userAccountControl"), 10, 64)
		return n
	}
	is.Equal(uac()&2, int64(0))
	steps := []struct {
		capName, effect string
		disabled        int64
	}{
		{"deactivate_account", "updated", 2}, {"deactivate_account", "noop", 2},
		{"activate_account", "updated", 0}, {"activate_account", "noop", 0},
	}
	for _, s := range steps {
		env := tg.ok(t, s.capName, map[string]any{"account_id": created.ID}, nil, nil)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), s.effect)
		is.Equal(uac()&2, s.disabled)
	}
	for _, want := range []string{"deleted", "noop"} {
		env := tg.ok(t, "delete_account", map[string]any{"account_id": created.ID}, nil, nil)
		is.Equal(string(env.ExecutionSummary.Effect.Kind), want)
	}
	is.True(adEntry(t, dn) == nil)
	tg.fail(t, "get_account", map[string]any{"account_id": created.ID}, "not_found", created.ID)
}

// TestADConformance runs the conformance suite, writes included, against
// the Samba domain.
func TestADConformance(t *testing.T) {
	tg := adTarget(t, map[string]any{"users_base_dn": adPeople, "users_filter": "(&(objectCategory=person)(objectClass=user)(!(sAMAccountName=b*)))"})
	connectortest.Conformance(t, ldap.Integration(), connectortest.Options{
		Request:     tg.request(nil, nil),
		AllowWrites: true,
		PageSize:    3,
	})
}
