package github

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
)

func resourceTypeOf(entType string) string {
	switch entType {
	case EntitlementTypeTeamRole:
		return ResourceTypeTeam
	case EntitlementTypeRepoPermission:
		return ResourceTypeRepository
	}
	return ResourceTypeOrganization
}

// assignReq is the payload of assign_entitlement and unassign_entitlement.
func assignReq(account int64, entType, resource, ent string) map[string]any {
	return assignReqID(id(account), entType, resource, ent)
}

func assignReqID(account, entType, resource, ent string) map[string]any {
	return map[string]any{"account_integration_specific_id": account, "resource_integration_specific_id": resource,
		"resource_type": resourceTypeOf(entType), "entitlement_type": entType, "entitlement_integration_specific_id": ent}
}

// TestAssignUnassign: every entitlement type, granted and revoked, each
// checked against the fake's state; repeating a write is a noop.
func TestAssignUnassign(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	tests := []struct {
		name    string
		capName string
		account int64
		typ     string
		res     string
		ent     string
		effect  toolkit.EffectKind
		check   func() bool
		noRerun bool // GitHub cannot tell the repeat from the first call
	}{
		{name: "make a member owner", capName: "assign_entitlement", account: s.carol, typ: EntitlementTypeOrgRole, ent: "owner",
			effect: toolkit.EffectUpdated, check: func() bool { return e.f.Members(org)["carol"] == "admin" }},
		{name: "make an owner member", capName: "assign_entitlement", account: s.alice, typ: EntitlementTypeOrgRole, ent: "member",
			effect: toolkit.EffectUpdated, check: func() bool { return e.f.Members(org)["alice"] == "member" }},
		{name: "invite an outside collaborator as member", capName: "assign_entitlement", account: s.olivia, typ: EntitlementTypeOrgRole, ent: "member",
			effect: toolkit.EffectCreated, check: func() bool {
				return slices.ContainsFunc(e.invitations(), func(in invitation) bool { return in.Login != nil && *in.Login == "olivia" })
			}},
		{name: "add a team member", capName: "assign_entitlement", account: s.dave, typ: EntitlementTypeTeamRole, res: "team:frontend", ent: "member",
			effect: toolkit.EffectCreated, check: func() bool { return e.teamRole("frontend", "dave") == "member/active" }},
		{name: "promote to maintainer", capName: "assign_entitlement", account: s.dave, typ: EntitlementTypeTeamRole, res: "team:frontend", ent: "maintainer",
			effect: toolkit.EffectUpdated, check: func() bool { return e.teamRole("frontend", "dave") == "maintainer/active" }},
		{name: "team role for a non-member is pending", capName: "assign_entitlement", account: s.stranger, typ: EntitlementTypeTeamRole, res: "team:backend", ent: "member",
			effect: toolkit.EffectCreated, check: func() bool { return e.teamRole("backend", "stranger") == "member/pending" }},
		{name: "grant write", capName: "assign_entitlement", account: s.erin, typ: EntitlementTypeRepoPermission, res: "repo:web", ent: "write",
			effect: toolkit.EffectCreated, check: func() bool { return e.repoRole("web", "erin") == "write" }},
		{name: "raise to admin", capName: "assign_entitlement", account: s.olivia, typ: EntitlementTypeRepoPermission, res: "repo:api", ent: "admin",
			effect: toolkit.EffectUpdated, check: func() bool { return e.repoRole("api", "olivia") == "admin" }},
		{name: "grant a custom role", capName: "assign_entitlement", account: s.dave, typ: EntitlementTypeRepoPermission, res: "repo:infra", ent: "security-reviewer",
			effect: toolkit.EffectCreated, check: func() bool { return e.repoRole("infra", "dave") == "security-reviewer" }},
		{name: "triage and maintain", capName: "assign_entitlement", account: s.erin, typ: EntitlementTypeRepoPermission, res: "repo:infra", ent: "triage",
			effect: toolkit.EffectUpdated, check: func() bool { return e.repoRole("infra", "erin") == "triage" }},
		{name: "a non-member gets a repository invitation", capName: "assign_entitlement", account: s.stranger, typ: EntitlementTypeRepoPermission, res: "repo:infra", ent: "read",
			effect: toolkit.EffectCreated, check: func() bool { return e.repoRole("infra", "stranger") == "none" }, noRerun: true},

		{name: "demote an owner", capName: "unassign_entitlement", account: s.carol, typ: EntitlementTypeOrgRole, ent: "owner",
			effect: toolkit.EffectDeleted, check: func() bool { return e.f.Members(org)["carol"] == "member" }},
		{name: "revoke a team role", capName: "unassign_entitlement", account: s.dave, typ: EntitlementTypeTeamRole, res: "team:frontend", ent: "maintainer",
			effect: toolkit.EffectDeleted, check: func() bool { return e.teamRole("frontend", "dave") == "" }},
		{name: "revoke a role not held", capName: "unassign_entitlement", account: s.carol, typ: EntitlementTypeTeamRole, res: "team:backend", ent: "member",
			effect: toolkit.EffectNoop, check: func() bool { return e.teamRole("backend", "carol") == "maintainer/active" }},
		{name: "revoke a pending team role", capName: "unassign_entitlement", account: s.stranger, typ: EntitlementTypeTeamRole, res: "team:backend", ent: "member",
			effect: toolkit.EffectDeleted, check: func() bool { return e.teamRole("backend", "stranger") == "" }},
		{name: "revoke a repository grant", capName: "unassign_entitlement", account: s.olivia, typ: EntitlementTypeRepoPermission, res: "repo:api", ent: "admin",
			effect: toolkit.EffectDeleted, check: func() bool { return e.repoRole("api", "olivia") == "none" }},
		{name: "revoke another role than held", capName: "unassign_entitlement", account: s.erin, typ: EntitlementTypeRepoPermission, res: "repo:web", ent: "admin",
			effect: toolkit.EffectNoop, check: func() bool { return e.repoRole("web", "erin") == "write" }},
		{name: "an owner joins a team (GitHub reports maintainer)", capName: "assign_entitlement", account: s.boss, typ: EntitlementTypeTeamRole, res: "team:frontend", ent: "member",
			effect: toolkit.EffectCreated, check: func() bool { return e.teamRole("frontend", ownerLogin) == "maintainer/active" }},
		{name: "an owner leaves a team", capName: "unassign_entitlement", account: s.boss, typ: EntitlementTypeTeamRole, res: "team:frontend", ent: "member",
			effect: toolkit.EffectDeleted, check: func() bool { return e.teamRole("frontend", ownerLogin) == "" }},
		{name: "member leaves the organization", capName: "unassign_entitlement", account: s.erin, typ: EntitlementTypeOrgRole, ent: "member",
			effect: toolkit.EffectDeleted, check: func() bool { _, ok := e.f.Members(org)["erin"]; return !ok }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			req := assignReq(tc.account, tc.typ, tc.res, tc.ent)
			env := e.ok(tc.capName, req, call{settings: customRoles})
			is.Equal(effectOf(t, env), tc.effect)
			is.True(env.ExecutionSummary.IsIdempotent)
			is.True(tc.check())
			if tc.noRerun {
				return
			}
			again := e.ok(tc.capName, req, call{settings: customRoles})
			is.Equal(effectOf(t, again), toolkit.EffectNoop)
			is.Equal(again.ExecutionSummary.Effect.Reason, toolkit.NoopStateAlreadyMatches)
			is.Equal(again.ExecutionSummary.RequestFingerprint, env.ExecutionSummary.RequestFingerprint)
			is.True(tc.check())
		})
	}
}

func TestAssignUnassignErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	tests := []struct {
		name    string
		capName string
		req     map[string]any
		code    string
		want    string
	}{
		{name: "unknown team", capName: "assign_entitlement", req: assignReq(s.carol, EntitlementTypeTeamRole, "team:nope", "member"), code: "not_found", want: `"nope"`},
		{name: "unknown team, unassign", capName: "unassign_entitlement", req: assignReq(s.carol, EntitlementTypeTeamRole, "team:nope", "member"), code: "not_found", want: `"nope"`},
		{name: "unknown repository", capName: "assign_entitlement", req: assignReq(s.carol, EntitlementTypeRepoPermission, "repo:nope", "read"), code: "not_found", want: `"nope"`},
		{name: "unknown account", capName: "assign_entitlement", req: assignReqID("424242", EntitlementTypeOrgRole, "", "owner"), code: "not_found", want: "424242"},
		{name: "pending invitation", capName: "assign_entitlement", req: assignReqID("invitation:"+id(s.invitation), EntitlementTypeOrgRole, "", "owner"), code: "bad_request", want: "pending invitation"},
		{name: "unknown entitlement type", capName: "assign_entitlement", req: assignReq(s.carol, "enterprise_role", "", "x"), code: "not_found"},
		{name: "unknown org role", capName: "assign_entitlement", req: assignReq(s.carol, EntitlementTypeOrgRole, "", "billing"), code: "not_found", want: "billing"},
		{name: "team role on a repository", capName: "assign_entitlement", req: assignReq(s.carol, EntitlementTypeTeamRole, "repo:api", "member"), code: "not_found"},
		{name: "team synchronized with an IdP", capName: "assign_entitlement", req: assignReq(s.carol, EntitlementTypeTeamRole, "team:sync-team", "member"), code: "permission_denied", want: "synchronized with an identity provider"},
		{name: "demote the last owner", capName: "unassign_entitlement", req: assignReq(s.boss, EntitlementTypeOrgRole, "", "owner"), code: "permission_denied", want: "last owner"},
		{name: "invalid role (422)", capName: "assign_entitlement", req: assignReq(s.carol, EntitlementTypeRepoPermission, "repo:api", "bogus"), code: "bad_request", want: "Validation Failed"},
	}
	// Make boss the only owner for the last-owner case.
	e.f.AddMember(org, "alice", "member")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.fail(tc.capName, tc.req, call{}, tc.code, tc.want)
		})
	}
}

// TestAssignUnassignShareChecks: assign_entitlement and unassign_entitlement
// check the account and the entitlement reference on one path, so every
// refusal before GitHub is changed reads the same from both.
func TestAssignUnassignShareChecks(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	orgRoleOnTeam := assignReq(s.carol, EntitlementTypeOrgRole, "", "owner")
	orgRoleOnTeam["resource_type"] = ResourceTypeTeam
	wrongType := assignReq(s.carol, EntitlementTypeOrgRole, "", "owner")
	wrongType["entitlement_type"] = 3
	tests := []struct {
		name string
		req  map[string]any
		code string
		want string
	}{
		{name: "unknown account", req: assignReqID("424242", EntitlementTypeOrgRole, "", "owner"), code: "not_found", want: "424242"},
		{name: "pending invitation", req: assignReqID("invitation:"+id(s.invitation), EntitlementTypeOrgRole, "", "owner"), code: "bad_request", want: "pending invitation"},
		{name: "unknown entitlement type", req: assignReq(s.carol, "enterprise_role", "", "x"), code: "not_found", want: `"enterprise_role"`},
		{name: "team role on a repository", req: assignReq(s.carol, EntitlementTypeTeamRole, "repo:api", "member"), code: "not_found", want: `"repo:api"`},
		{name: "resource type of another resource", req: orgRoleOnTeam, code: "not_found", want: `(type "team")`},
		{name: "empty repository role", req: assignReq(s.carol, EntitlementTypeRepoPermission, "repo:api", ""), code: "not_found", want: "Empty repository role"},
		{name: "wrong JSON type", req: wrongType, code: "bad_request", want: "request.entitlement_type: expected string, got number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			assigned := e.fail("assign_entitlement", tc.req, call{}, tc.code, tc.want)
			unassigned := e.fail("unassign_entitlement", tc.req, call{}, tc.code, tc.want)
			is.Equal(assigned.Message, unassigned.Message)
		})
	}
}

// TestWritesRetryRateLimits: a write refused by a secondary rate limit for
// content creation is retried after GitHub's wait and applied once.
func TestWritesRetryRateLimits(t *testing.T) {
	is := newIs(t)
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	e.setInject(func(n int, r *http.Request) int {
		if r.Method == http.MethodPut {
			e.f.SetSecondaryRateLimit(&githubfake.SecondaryRateLimit{Requests: 1, ContentCreation: true, RetryAfter: 10 * time.Second})
			e.setInject(nil)
		}
		return 0
	})
	env := e.ok("assign_entitlement", assignReq(s.dave, EntitlementTypeTeamRole, "team:frontend", "maintainer"), call{})
	is.Equal(effectOf(t, env), toolkit.EffectCreated)
	is.Equal(e.teamRole("frontend", "dave"), "maintainer/active")
	is.True(slices.Contains(e.sleeps, 10*time.Second))
	puts := 0
	for _, c := range e.f.Calls() {
		if c.Method == http.MethodPut {
			puts++
		}
	}
	is.Equal(puts, 2) // refused once, then applied
}

func TestCreateAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	e.user("newguy")
	ent := func(typ, res, eid string) map[string]any {
		return map[string]any{"entitlement_type": typ, "integration_specific_resource_id": res, "integration_specific_id": eid}
	}
	tests := []struct {
		name   string
		req    map[string]any
		status toolkit.AccountStatus
		effect toolkit.EffectKind
		id     string // "" for a new invitation
		check  func(inv *invitation) bool
		code   string
		want   string
	}{
		{name: "by email, owner, with a team", req: map[string]any{"email": "new@example.com", "entitlements": []any{
			ent(EntitlementTypeOrgRole, "", "owner"), ent(EntitlementTypeTeamRole, "team:frontend", "member")}},
			status: toolkit.AccountStatusPending, effect: toolkit.EffectCreated,
			check: func(in *invitation) bool {
				return in != nil && in.Email != nil && *in.Email == "new@example.com" && in.Role == "admin" && in.TeamCount == 1
			}},
		{name: "by login, maintainer of a team", req: map[string]any{"username": "newguy", "entitlements": []any{
			ent(EntitlementTypeOrgRole, "", "member"), ent(EntitlementTypeTeamRole, "team:backend", "maintainer")}},
			status: toolkit.AccountStatusPending, effect: toolkit.EffectCreated,
			check: func(in *invitation) bool {
				return in != nil && *in.Login == "newguy" && in.Role == "direct_member" && e.teamRole("backend", "newguy") == "maintainer/pending"
			}},
		{name: "already invited by login", req: map[string]any{"username": "newbie", "entitlements": []any{}},
			status: toolkit.AccountStatusPending, effect: toolkit.EffectNoop, id: "invitation:" + id(s.invitation)},
		{name: "already a member", req: map[string]any{"username": "carol", "entitlements": []any{}},
			status: toolkit.AccountStatusActive, effect: toolkit.EffectNoop, id: id(s.carol)},
		{name: "both email and login", req: map[string]any{"username": "x", "email": "x@example.com", "entitlements": []any{}}, code: "bad_request"},
		{name: "neither email nor login", req: map[string]any{"entitlements": []any{}}, code: "bad_request"},
		{name: "repository access", req: map[string]any{"email": "r@example.com", "entitlements": []any{ent(EntitlementTypeRepoPermission, "repo:api", "read")}}, code: "bad_request", want: "repository"},
		{name: "maintainer by email", req: map[string]any{"email": "m@example.com", "entitlements": []any{ent(EntitlementTypeTeamRole, "team:backend", "maintainer")}}, code: "bad_request"},
		{name: "unknown login", req: map[string]any{"username": "nobody-here", "entitlements": []any{}}, code: "not_found", want: "nobody-here"},
		{name: "unknown team", req: map[string]any{"email": "t@example.com", "entitlements": []any{ent(EntitlementTypeTeamRole, "team:nope", "member")}}, code: "not_found", want: `"nope"`},
		{name: "invalid email (422)", req: map[string]any{"email": "not-an-email", "entitlements": []any{}}, code: "bad_request", want: "Validation Failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			if tc.code != "" {
				e.fail("create_account", tc.req, call{}, tc.code, tc.want)
				return
			}
			env := e.ok("create_account", tc.req, call{})
			got := decode[toolkit.CreatedAccount](t, env.Response)
			is.Equal(got.Status, tc.status)
			is.Equal(effectOf(t, env), tc.effect)
			is.Equal(got.Created, tc.effect == toolkit.EffectCreated)
			if tc.id != "" {
				is.Equal(*got.ID, tc.id)
			}
			if tc.check != nil {
				ref, err := parseAccountID(*got.ID)
				is.NoErr(err)
				var found *invitation
				for _, in := range e.invitations() {
					if in.ID == ref.invitationID {
						found = &in
					}
				}
				is.True(tc.check(found))
				// The new account is listed, and a repeat is a noop with the same id.
				a := decode[toolkit.FoundAccountData](t, e.ok("get_account", map[string]any{"account_id": *got.ID}, call{}).Response)
				is.Equal(*a.UserStatus, toolkit.AccountStatusPending)
				again := e.ok("create_account", tc.req, call{})
				is.Equal(effectOf(t, again), toolkit.EffectNoop)
				is.Equal(*decode[toolkit.CreatedAccount](t, again.Response).ID, *got.ID)
			}
		})
	}
}

func TestDeleteAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	tests := []struct {
		name    string
		account string
		check   func() bool
		code    string
	}{
		{name: "member", account: id(s.dave), check: func() bool {
			_, ok := e.f.Members(org)["dave"]
			return !ok && e.teamRole("backend-api", "dave") == "" && e.repoRole("web", "dave") == "none"
		}},
		{name: "pending invitation", account: "invitation:" + id(s.invitation), check: func() bool { return len(e.invitations()) == 0 }},
		{name: "outside collaborator", account: id(s.olivia), check: func() bool { return e.repoRole("api", "olivia") == "none" }},
		{name: "owner", account: id(s.alice), check: func() bool { _, ok := e.f.Members(org)["alice"]; return !ok }},
		{name: "the last owner", account: id(s.boss), code: "permission_denied"},
		{name: "unknown user", account: "99999999", code: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			req := map[string]any{"account_id": tc.account}
			if tc.code != "" {
				e.fail("delete_account", req, call{}, tc.code)
				return
			}
			env := e.ok("delete_account", req, call{})
			is.Equal(effectOf(t, env), toolkit.EffectDeleted)
			is.True(decode[toolkit.DeletedAccount](t, env.Response).Deleted)
			is.True(tc.check())
			again := e.ok("delete_account", req, call{})
			is.Equal(effectOf(t, again), toolkit.EffectNoop)
			e.fail("get_account", req, call{}, "not_found")
		})
	}
}

// TestRequestCounts pins the upstream requests of single-object calls.
func TestRequestCounts(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	tests := []struct {
		name     string
		capName  string
		req      map[string]any
		requests int
	}{
		{"validate_credentials", "validate_credentials", map[string]any{}, 2},
		{"get_account, member", "get_account", map[string]any{"account_id": id(s.carol)}, 2},
		{"get_account, outside collaborator", "get_account", map[string]any{"account_id": id(s.olivia)}, 3},
		{"get_account, invitation", "get_account", map[string]any{"account_id": "invitation:" + id(s.invitation)}, 1},
		{"assign org role", "assign_entitlement", assignReq(s.dave, EntitlementTypeOrgRole, "", "owner"), 3},
		{"assign org role again", "assign_entitlement", assignReq(s.dave, EntitlementTypeOrgRole, "", "owner"), 2},
		{"assign team role", "assign_entitlement", assignReq(s.erin, EntitlementTypeTeamRole, "team:backend", "member"), 3},
		{"assign team role again", "assign_entitlement", assignReq(s.erin, EntitlementTypeTeamRole, "team:backend", "member"), 2},
		{"assign repository role", "assign_entitlement", assignReq(s.erin, EntitlementTypeRepoPermission, "repo:web", "read"), 3},
		{"assign repository role again", "assign_entitlement", assignReq(s.erin, EntitlementTypeRepoPermission, "repo:web", "read"), 2},
		{"unassign repository role", "unassign_entitlement", assignReq(s.erin, EntitlementTypeRepoPermission, "repo:web", "read"), 3},
		{"invite by email", "create_account", map[string]any{"email": "c@example.com", "entitlements": []any{}}, 1},
		{"invite by login", "create_account", map[string]any{"username": "stranger", "entitlements": []any{}}, 3},
		{"cancel an invitation", "delete_account", map[string]any{"account_id": "invitation:" + id(s.invitation)}, 1},
		{"remove a member", "delete_account", map[string]any{"account_id": id(s.dave)}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			e.resetCounts()
			e.ok(tc.capName, tc.req, call{})
			is.Equal(e.requestCount(), tc.requests)
		})
	}
}
