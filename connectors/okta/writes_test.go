package okta_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/okta"
	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
)

// grant is an assign/unassign payload.
func grant(account, entType, entID, resource string) map[string]any {
	rt := okta.ResourceTypeOrg
	if resource != "" {
		rt = okta.ResourceTypeApplication
	}
	return map[string]any{"account_integration_specific_id": account, "resource_type": rt, "resource_integration_specific_id": resource,
		"entitlement_type": entType, "entitlement_integration_specific_id": entID}
}

// TestGroupAssignment: assign adds the member, a repeat is a noop;
// unassign removes it, a repeat is a noop; the fake's state says so.
func TestGroupAssignment(t *testing.T) {
	is := is.New(t)
	e := newEnv(t, nil)
	users, groups, _ := seedOrg(e)
	g, u := groups[0], users[1] // user 1 is not in Engineering
	steps := []struct {
		capName string
		effect  toolkit.EffectKind
		member  bool
	}{
		{"assign_entitlement", toolkit.EffectCreated, true},
		{"assign_entitlement", toolkit.EffectNoop, true},
		{"unassign_entitlement", toolkit.EffectDeleted, false},
		{"unassign_entitlement", toolkit.EffectNoop, false},
	}
	for _, s := range steps {
		env := e.ok(s.capName, grant(u, okta.EntitlementTypeGroupMember, g, ""), nil)
		is.Equal(effect(t, env), s.effect)
		in := false
		for _, m := range e.f.Members(g) {
			in = in || m == u
		}
		is.Equal(in, s.member)
	}
}

// TestRoleAssignment: admin roles are assigned and unassigned
// idempotently; a role held through a group cannot be unassigned from the
// user.
func TestRoleAssignment(t *testing.T) {
	is := is.New(t)
	e := newEnv(t, nil)
	users, _, _ := seedOrg(e)
	u := users[4] // holds no admin role
	steps := []struct {
		capName string
		effect  toolkit.EffectKind
		roles   []string
	}{
		{"assign_entitlement", toolkit.EffectCreated, []string{"ORG_ADMIN"}},
		{"assign_entitlement", toolkit.EffectNoop, []string{"ORG_ADMIN"}},
		{"unassign_entitlement", toolkit.EffectDeleted, nil},
		{"unassign_entitlement", toolkit.EffectNoop, nil},
	}
	for _, s := range steps {
		env := e.ok(s.capName, grant(u, okta.EntitlementTypeAdminRole, "ORG_ADMIN", ""), nil)
		is.Equal(effect(t, env), s.effect)
		is.Equal(e.f.Roles(u), s.roles)
	}
	e.fail("unassign_entitlement", grant(users[1], okta.EntitlementTypeAdminRole, "READ_ONLY_ADMIN", ""), "bad_request", "through a group")
	e.fail("assign_entitlement", grant(u, okta.EntitlementTypeAdminRole, "KING", ""), "not_found", "KING")
}

// TestAssignmentRefused: what cannot be granted is refused with the right code.
func TestAssignmentRefused(t *testing.T) {
	e := newEnv(t, nil)
	users, groups, apps := seedOrg(e)
	cases := []struct {
		name    string
		payload map[string]any
		code    toolkit.ErrorCode
		want    string
	}{
		{"unknown_group", grant(users[0], okta.EntitlementTypeGroupMember, "00gnope", ""), "not_found", "00gnope"},
		{"unknown_user", grant("00unope", okta.EntitlementTypeGroupMember, groups[0], ""), "not_found", "00unope"},
		{"app_assignment", grant(users[0], okta.EntitlementTypeAppAssignment, okta.AppAssignmentID, "app:"+apps[0]), "not_found", "read-only"},
		{"built_in_group", grant(users[0], okta.EntitlementTypeGroupMember, groups[1], ""), "noop", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			if c.code == "noop" { // already a member of Everyone
				is.Equal(effect(t, e.ok("assign_entitlement", c.payload, nil)), toolkit.EffectNoop)
				return
			}
			e.fail("assign_entitlement", c.payload, c.code, c.want)
		})
	}
}

// TestLifecycle: create (staged or activated, with groups), activate,
// deactivate and delete, each checked against the fake's state, each
// repeat a noop.
func TestLifecycle(t *testing.T) {
	is := is.New(t)
	e := newEnv(t, nil)
	g := e.f.AddGroup(oktafake.Group{Name: "New hires"})
	cases := []struct {
		name       string
		status     any
		wantStatus string // the fake's status after creation
		lumos      toolkit.AccountStatus
	}{
		{"staged", "PENDING", "STAGED", toolkit.AccountStatusPending},
		{"activated", nil, "PROVISIONED", toolkit.AccountStatusPending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			email := c.name + "@example.com"
			env := e.ok("create_account", map[string]any{"email": email, "given_name": "New", "family_name": "Hire", "user_status": c.status,
				"entitlements": []any{map[string]any{"entitlement_type": okta.EntitlementTypeGroupMember, "integration_specific_id": g}}}, nil)
			var created toolkit.CreatedAccount
			is.NoErr(json.Unmarshal(env.Response, &created))
			is.Equal(created.Status, c.lumos)
			id := *created.ID
			u, ok := e.f.User(id)
			is.True(ok)
			is.Equal(u.Status, c.wantStatus)
			is.Equal(u.Login, email)
			is.Equal(u.FirstName, "New")
			is.True(contains(e.f.Members(g), id))

			steps := []struct {
				capName string
				effect  toolkit.EffectKind
				status  string
				exists  bool
			}{
				{"activate_account", toolkit.EffectUpdated, "PROVISIONED", true}, // STAGED → activate; PROVISIONED → reactivate
				{"deactivate_account", toolkit.EffectUpdated, "DEPROVISIONED", true},
				{"deactivate_account", toolkit.EffectNoop, "DEPROVISIONED", true},
				{"delete_account", toolkit.EffectDeleted, "", false},
				{"delete_account", toolkit.EffectNoop, "", false},
			}
			for _, s := range steps {
				env := e.ok(s.capName, map[string]any{"account_id": id}, nil)
				is.Equal(effect(t, env), s.effect)
				u, ok := e.f.User(id)
				is.Equal(ok, s.exists)
				is.Equal(u.Status, s.status)
			}
		})
	}
	e.f.AddUser(oktafake.User{Login: "taken@example.com"})
	e.fail("create_account", map[string]any{"email": "taken@example.com", "entitlements": []any{}}, "bad_request", "already exists")
	e.fail("create_account", map[string]any{"given_name": "x", "entitlements": []any{}}, "bad_request", "email")
}

// TestActivateByStatus: activate_account picks the lifecycle operation
// each status needs, and is a noop on active users.
func TestActivateByStatus(t *testing.T) {
	cases := []struct {
		from, to string
		effect   toolkit.EffectKind
		answer   toolkit.AccountStatus
	}{
		{"ACTIVE", "ACTIVE", toolkit.EffectNoop, toolkit.AccountStatusActive},
		{"PASSWORD_EXPIRED", "PASSWORD_EXPIRED", toolkit.EffectNoop, toolkit.AccountStatusActive},
		{"SUSPENDED", "ACTIVE", toolkit.EffectUpdated, toolkit.AccountStatusActive},
		{"LOCKED_OUT", "ACTIVE", toolkit.EffectUpdated, toolkit.AccountStatusActive},
		{"DEPROVISIONED", "PROVISIONED", toolkit.EffectUpdated, toolkit.AccountStatusPending},
		{"STAGED", "PROVISIONED", toolkit.EffectUpdated, toolkit.AccountStatusPending},
	}
	e := newEnv(t, nil)
	for _, c := range cases {
		t.Run(c.from, func(t *testing.T) {
			is := is.New(t)
			id := e.f.AddUser(oktafake.User{Status: c.from})
			env := e.ok("activate_account", map[string]any{"account_id": id}, nil)
			is.Equal(effect(t, env), c.effect)
			var got toolkit.ActivatedAccount
			is.NoErr(json.Unmarshal(env.Response, &got))
			is.Equal(got.Status, c.answer)
			u, _ := e.f.User(id)
			is.Equal(u.Status, c.to)
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// customHeld are the user's custom assignments as "role:set:assignmentType".
func customHeld(e *env, user string) []string {
	var out []string
	for _, r := range e.f.Assignments(user) {
		if r.Type == "CUSTOM" {
			out = append(out, r.CustomRole+":"+r.ResourceSet+":"+r.AssignmentType)
		}
	}
	return out
}

// TestCustomRoleAssignment: a custom role on a resource set is assigned
// (POST …/roles with type CUSTOM, role and resource-set) and unassigned
// idempotently; a binding not listed yet can be assigned too.
func TestCustomRoleAssignment(t *testing.T) {
	e := newEnv(t, nil)
	users, _, _ := seedOrg(e)
	cases := []struct {
		name string
		role int
		set  int
	}{
		{"bound_without_members", 1, 1},
		{"not_bound_yet", 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			u := users[4]
			id := okta.CustomRoleID(e.roles[c.role], e.sets[c.set])
			held := []string{e.roles[c.role] + ":" + e.sets[c.set] + ":USER"}
			steps := []struct {
				capName string
				effect  toolkit.EffectKind
				held    []string
			}{
				{"assign_entitlement", toolkit.EffectCreated, held},
				{"assign_entitlement", toolkit.EffectNoop, held},
				{"unassign_entitlement", toolkit.EffectDeleted, nil},
				{"unassign_entitlement", toolkit.EffectNoop, nil},
			}
			for _, s := range steps {
				env := e.ok(s.capName, grant(u, okta.EntitlementTypeAdminRole, id, ""), nil)
				is.Equal(effect(t, env), s.effect)
				is.Equal(customHeld(e, u), s.held)
			}
		})
	}
}

// TestCustomRoleRefused: custom role ids that are malformed or name
// nothing are not_found, a role held through a group only cannot be
// unassigned from the user, and one held through a group is not assigned
// again.
func TestCustomRoleRefused(t *testing.T) {
	e := newEnv(t, nil)
	users, _, _ := seedOrg(e)
	r0, s0, s1 := e.roles[0], e.sets[0], e.sets[1]
	cases := []struct {
		name    string
		capName string
		user    string
		id      string
		code    toolkit.ErrorCode // "": a success with effect
		effect  toolkit.EffectKind
		want    string
	}{
		{"group_only", "unassign_entitlement", users[3], "custom:" + r0 + ":" + s1, "bad_request", "", "through a group"},
		{"held_through_group", "assign_entitlement", users[3], "custom:" + r0 + ":" + s1, "", toolkit.EffectNoop, ""},
		{"direct_and_group_unassigned_once", "unassign_entitlement", users[2], "custom:" + r0 + ":" + s0, "", toolkit.EffectDeleted, ""},
		{"unknown_role", "assign_entitlement", users[4], "custom:cr0nope:" + s0, "not_found", "", "cr0nope"},
		{"unknown_set", "assign_entitlement", users[4], "custom:" + r0 + ":iamnope", "not_found", "", "iamnope"},
		{"unknown_role_unassign", "unassign_entitlement", users[4], "custom:cr0nope:" + s0, "not_found", "", "cr0nope"},
		{"label_for_id", "assign_entitlement", users[4], "custom:Auditor:" + s0, "not_found", "", "label"},
		{"unknown_user", "assign_entitlement", "00unope", "custom:" + r0 + ":" + s0, "not_found", "", "00unope"},
		{"no_parts", "assign_entitlement", users[4], "custom:", "not_found", "", "custom:<role id>:<resource set id>"},
		{"one_part", "assign_entitlement", users[4], "custom:" + r0, "not_found", "", "custom:<role id>"},
		{"three_parts", "assign_entitlement", users[4], "custom:" + r0 + ":" + s0 + ":x", "not_found", "", "custom:<role id>"},
		{"empty_role", "assign_entitlement", users[4], "custom::" + s0, "not_found", "", "custom:<role id>"},
		{"slash_in_role", "assign_entitlement", users[4], "custom:../" + r0 + ":" + s0, "not_found", "", "custom:<role id>"},
		{"dot_dot_set", "unassign_entitlement", users[4], "custom:" + r0 + ":..", "not_found", "", "custom:<role id>"},
		{"query_in_set", "assign_entitlement", users[4], "custom:" + r0 + ":" + s0 + "?x=1", "not_found", "", "custom:<role id>"},
		{"space_in_set", "assign_entitlement", users[4], "custom:" + r0 + ": " + s0, "not_found", "", "custom:<role id>"},
		{"upper_prefix", "assign_entitlement", users[4], "CUSTOM:" + r0 + ":" + s0, "not_found", "", "Unknown admin role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			before := e.f.Requests()
			if c.code == "" {
				env := e.ok(c.capName, grant(c.user, okta.EntitlementTypeAdminRole, c.id, ""), nil)
				is.Equal(effect(t, env), c.effect)
				return
			}
			e.fail(c.capName, grant(c.user, okta.EntitlementTypeAdminRole, c.id, ""), c.code, c.want)
			if strings.Contains(c.want, "<role id>") {
				is.Equal(e.f.Requests(), before) // refused before any request
			}
		})
	}
	is := is.New(t)
	is.Equal(customHeld(e, users[2]), []string{r0 + ":" + s0 + ":GROUP"}) // the direct one went, the group's stays
	is.Equal(customHeld(e, users[3]), []string{r0 + ":" + s1 + ":GROUP"})
	is.Equal(customHeld(e, users[4]), []string(nil))
}
