package githubfake_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

// step is one call in a scenario with its expected status and an optional
// check on the response.
type step struct {
	name  string
	req   req
	want  int
	check func(t *testing.T, res response)
}

func runSteps(t *testing.T, f *githubfake.Fake, steps []step) {
	t.Helper()
	for _, s := range steps {
		res := do(t, f, s.req)
		if res.status != s.want {
			t.Fatalf("%s: %s %s -> %d, want %d: %s", s.name, s.req.method, s.req.path, res.status, s.want, res.body)
		}
		if s.check != nil {
			s.check(t, res)
		}
	}
}

func TestInvitationLifecycle(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	var invID string
	runSteps(t, f, []step{
		{name: "no pending invitations", req: req{path: "/orgs/acme/invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(len(res.array(t)), 0) }},
		{name: "invite dave", req: req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner",
			body: map[string]any{"invitee_id": f.UserID("dave"), "role": "admin", "team_ids": []int64{f.TeamID("acme", "backend")}}}, want: 201,
			check: func(t *testing.T, res response) {
				m := res.object(t)
				is.Equal(m["login"], "dave")
				is.Equal(m["role"], "admin")
				is.Equal(m["team_count"], 1.0)
				is.Equal(m["inviter"].(map[string]any)["login"], "octocat")
				invID = strconv.FormatInt(int64(m["id"].(float64)), 10)
			}},
		{name: "invited twice", req: req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner",
			body: map[string]any{"invitee_id": f.UserID("dave")}}, want: 422},
		{name: "pending invitation listed", req: req{path: "/orgs/acme/invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.logins(t), []string{"dave"}) }},
		{name: "membership pending", req: req{path: "/orgs/acme/memberships/dave", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) {
				is.Equal(res.object(t)["state"], "pending")
				is.Equal(res.object(t)["role"], "admin")
			}},
		{name: "not a member yet", req: req{path: "/orgs/acme/members/dave", token: "ghp_owner"}, want: 404},
	})
	runSteps(t, f, []step{
		{name: "invitation teams", req: req{path: "/orgs/acme/invitations/" + invID + "/teams", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.array(t)[0].(map[string]any)["slug"], "backend") }},
		{name: "cancel", req: req{method: "DELETE", path: "/orgs/acme/invitations/" + invID, token: "ghp_owner"}, want: 204},
		{name: "gone from the list", req: req{path: "/orgs/acme/invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(len(res.array(t)), 0) }},
		{name: "cancel again", req: req{method: "DELETE", path: "/orgs/acme/invitations/" + invID, token: "ghp_owner"}, want: 404},
		{name: "no membership", req: req{path: "/orgs/acme/memberships/dave", token: "ghp_owner"}, want: 404},
	})

	// E-mail invitation, accepted: the user becomes a member of the team.
	res := do(t, f, req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner",
		body: map[string]any{"email": "erin@example.com", "team_ids": []int64{f.TeamID("acme", "backend")}}})
	is.Equal(res.status, 201)
	is.Equal(res.object(t)["login"], nil)
	is.Equal(res.object(t)["email"], "erin@example.com")
	f.AcceptInvitation("acme", int64(res.object(t)["id"].(float64)), "erin")
	runSteps(t, f, []step{
		{name: "erin is a member", req: req{path: "/orgs/acme/members/erin", token: "ghp_owner"}, want: 204},
		{name: "erin is in backend", req: req{path: "/orgs/acme/teams/backend/memberships/erin", token: "ghp_owner"}, want: 200},
	})

	// Expiry after 7 days moves invitations to the failed list.
	f.AddInvitation("acme", githubfake.Invitation{Email: "slow@example.com"})
	f.Advance(7*24*time.Hour + time.Second)
	runSteps(t, f, []step{
		{name: "expired invitations leave the pending list", req: req{path: "/orgs/acme/invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(len(res.array(t)), 0) }},
		{name: "and show as failed", req: req{path: "/orgs/acme/failed_invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) {
				m := res.array(t)[0].(map[string]any)
				is.Equal(m["email"], "slow@example.com")
				is.Equal(m["failed_reason"], "Invitation expired")
			}},
	})
}

func TestMembershipTransitions(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	runSteps(t, f, []step{
		{name: "set membership invites a non-member", req: req{method: "PUT", path: "/orgs/acme/memberships/dave", token: "ghp_owner", body: map[string]string{"role": "member"}}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.object(t)["state"], "pending") }},
		{name: "removing the membership cancels the invitation", req: req{method: "DELETE", path: "/orgs/acme/memberships/dave", token: "ghp_owner"}, want: 204},
		{name: "invitation gone", req: req{path: "/orgs/acme/invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(len(res.array(t)), 0) }},
		{name: "promote bob", req: req{method: "PUT", path: "/orgs/acme/memberships/bob", token: "ghp_owner", body: map[string]string{"role": "admin"}}, want: 200,
			check: func(t *testing.T, res response) {
				is.Equal(res.object(t)["state"], "active")
				is.Equal(res.object(t)["role"], "admin")
			}},
		{name: "bob listed as owner", req: req{path: "/orgs/acme/members?role=admin", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.logins(t), []string{"octocat", "bob"}) }},
		{name: "owners are maintainers of every team they are in", req: req{path: "/orgs/acme/teams/backend/memberships/bob", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.object(t)["role"], "maintainer") }},
		{name: "bob has admin on api", req: req{path: "/repos/acme/api/collaborators/bob/permission", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.object(t)["permission"], "admin") }},
		{name: "remove bob", req: req{method: "DELETE", path: "/orgs/acme/members/bob", token: "ghp_owner"}, want: 204},
		{name: "bob left the teams", req: req{path: "/orgs/acme/teams/backend/memberships/bob", token: "ghp_owner"}, want: 404},
		{name: "and lost repository access", req: req{path: "/repos/acme/api/collaborators/bob", token: "ghp_owner"}, want: 404},
		{name: "the last owner cannot go", req: req{method: "DELETE", path: "/orgs/acme/memberships/octocat", token: "ghp_owner"}, want: 403},
	})
}

func TestTeamAndRepoGrants(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	permIs := func(want, role string) func(t *testing.T, res response) {
		return func(t *testing.T, res response) {
			is.Equal(res.object(t)["permission"], want)
			is.Equal(res.object(t)["role_name"], role)
		}
	}
	f.SetBaseRepoPermission("acme", "none")
	runSteps(t, f, []step{
		{name: "bob inherits push from the parent team", req: req{path: "/repos/acme/api/collaborators/bob/permission", token: "ghp_owner"}, want: 200, check: permIs("write", "write")},
		{name: "bob has nothing on www", req: req{path: "/repos/acme/www/collaborators/bob/permission", token: "ghp_owner"}, want: 200, check: permIs("none", "none")},
		{name: "grant backend maintain on www", req: req{method: "PUT", path: "/orgs/acme/teams/backend/repos/acme/www", token: "ghp_owner", body: map[string]string{"permission": "maintain"}}, want: 204},
		{name: "bob has maintain (legacy write) on www", req: req{path: "/repos/acme/www/collaborators/bob/permission", token: "ghp_owner"}, want: 200, check: permIs("write", "maintain")},
		{name: "www lists the team", req: req{path: "/repos/acme/www/teams", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) {
				m := res.array(t)[0].(map[string]any)
				is.Equal(m["slug"], "backend")
				is.Equal(m["permission"], "maintain")
			}},
		{name: "add dave: invitation", req: req{method: "PUT", path: "/repos/acme/www/collaborators/dave", token: "ghp_owner", body: map[string]string{"permission": "pull"}}, want: 201,
			check: func(t *testing.T, res response) {
				is.Equal(res.object(t)["permissions"], "read")
				is.Equal(res.object(t)["invitee"].(map[string]any)["login"], "dave")
			}},
		{name: "dave not a collaborator until he accepts", req: req{path: "/repos/acme/www/collaborators/dave", token: "ghp_owner"}, want: 404},
	})
	f.AcceptRepoInvitation("acme", "www", "dave")
	runSteps(t, f, []step{
		{name: "dave is a collaborator", req: req{path: "/repos/acme/www/collaborators/dave", token: "ghp_owner"}, want: 204},
		{name: "and an outside collaborator of the org", req: req{path: "/orgs/acme/outside_collaborators", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.logins(t), []string{"carol", "dave"}) }},
		{name: "changing an existing collaborator is 204", req: req{method: "PUT", path: "/repos/acme/www/collaborators/dave", token: "ghp_owner", body: map[string]string{"permission": "admin"}}, want: 204},
		{name: "dave admin", req: req{path: "/repos/acme/www/collaborators/dave/permission", token: "ghp_owner"}, want: 200, check: permIs("admin", "admin")},
		{name: "remove dave", req: req{method: "DELETE", path: "/repos/acme/www/collaborators/dave", token: "ghp_owner"}, want: 204},
		{name: "dave gone", req: req{path: "/repos/acme/www/collaborators/dave", token: "ghp_owner"}, want: 404},
		{name: "convert alice to outside collaborator", req: req{method: "PUT", path: "/orgs/acme/outside_collaborators/alice", token: "ghp_owner"}, want: 204},
		{name: "alice keeps team access as a direct grant", req: req{path: "/repos/acme/api/collaborators/alice/permission", token: "ghp_owner"}, want: 200, check: permIs("write", "write")},
		{name: "but left the teams", req: req{path: "/orgs/acme/teams/engineering/memberships/alice", token: "ghp_owner"}, want: 404},
		{name: "remove outside collaborator alice", req: req{method: "DELETE", path: "/orgs/acme/outside_collaborators/alice", token: "ghp_owner"}, want: 204},
		{name: "alice has no access", req: req{path: "/repos/acme/api/collaborators/alice", token: "ghp_owner"}, want: 404},
	})

	// Team membership for a non-member is pending until the org invitation is accepted.
	runSteps(t, f, []step{
		{name: "add dave to backend", req: req{method: "PUT", path: "/orgs/acme/teams/backend/memberships/dave", token: "ghp_owner", body: map[string]string{"role": "maintainer"}}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.object(t)["state"], "pending") }},
		{name: "org invitation created", req: req{path: "/orgs/acme/invitations", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) {
				is.Equal(res.logins(t), []string{"dave"})
				f.AcceptInvitation("acme", int64(res.array(t)[0].(map[string]any)["id"].(float64)), "")
			}},
		{name: "active maintainer after accepting", req: req{path: "/orgs/acme/teams/backend/memberships/dave", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) {
				is.Equal(res.object(t)["state"], "active")
				is.Equal(res.object(t)["role"], "maintainer")
			}},
	})
}

func TestOrgRolesGrantRepoAccess(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	f.SetBaseRepoPermission("acme", "none")
	write := strconv.FormatInt(f.OrgRoleID("acme", "all_repo_write"), 10)
	runSteps(t, f, []step{
		{name: "assign all_repo_write to alice", req: req{method: "PUT", path: "/orgs/acme/organization-roles/users/alice/" + write, token: "ghp_owner"}, want: 204},
		{name: "assign it to backend", req: req{method: "PUT", path: "/orgs/acme/organization-roles/teams/backend/" + write, token: "ghp_owner"}, want: 204},
		{name: "holders", req: req{path: "/orgs/acme/organization-roles/" + write + "/users", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) {
				got := map[string]string{}
				for _, x := range res.array(t) {
					m := x.(map[string]any)
					got[m["login"].(string)] = m["assignment"].(string)
				}
				is.Equal(got, map[string]string{"alice": "direct", "bob": "indirect"})
			}},
		{name: "alice can write www", req: req{path: "/repos/acme/www/collaborators/alice/permission", token: "ghp_owner"}, want: 200,
			check: func(t *testing.T, res response) { is.Equal(res.object(t)["permission"], "write") }},
		{name: "revoke", req: req{method: "DELETE", path: "/orgs/acme/organization-roles/users/alice/" + write, token: "ghp_owner"}, want: 204},
		{name: "alice has no access to www", req: req{path: "/repos/acme/www/collaborators/alice", token: "ghp_owner"}, want: 404},
	})
}

func TestRenameKeepsIDs(t *testing.T) {
	tests := []struct {
		name string
		path func(login string) string
		id   func(t *testing.T, res response, login string) float64
	}{
		{"membership", func(l string) string { return "/orgs/acme/memberships/" + l },
			func(t *testing.T, res response, _ string) float64 {
				return res.object(t)["user"].(map[string]any)["id"].(float64)
			}},
		{"members list", func(string) string { return "/orgs/acme/members?role=member" },
			func(t *testing.T, res response, login string) float64 {
				for _, x := range res.array(t) {
					if m := x.(map[string]any); m["login"] == login {
						return m["id"].(float64)
					}
				}
				return 0
			}},
		{"collaborator permission", func(l string) string { return "/repos/acme/api/collaborators/" + l + "/permission" },
			func(t *testing.T, res response, _ string) float64 {
				return res.object(t)["user"].(map[string]any)["id"].(float64)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := seed(t, githubfake.Options{})
			before := do(t, f, req{path: tc.path("alice"), token: "ghp_owner"})
			is.Equal(before.status, 200)
			id := tc.id(t, before, "alice")
			is.True(id != 0)
			f.RenameUser("alice", "alice-renamed")
			after := do(t, f, req{path: tc.path("alice-renamed"), token: "ghp_owner"})
			is.Equal(after.status, 200)
			is.Equal(tc.id(t, after, "alice-renamed"), id) // same id after the rename
			is.Equal(float64(f.UserID("alice-renamed")), id)
			if tc.path("x") != tc.path("y") {
				is.Equal(do(t, f, req{path: tc.path("alice"), token: "ghp_owner"}).status, 404) // old login unknown
			}
			// tokens of the renamed user keep working
			is.Equal(do(t, f, req{path: "/user", token: "ghp_alice"}).object(t)["login"], "alice-renamed")
		})
	}
}
