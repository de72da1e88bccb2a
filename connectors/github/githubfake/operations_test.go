package githubfake_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

type opCase struct {
	name  string
	req   req
	prep  func(t *testing.T, f *githubfake.Fake) req // overrides req when set
	want  int
	check func(t *testing.T, f *githubfake.Fake, res response)
}

// notModelled lists documented (operation, status) pairs the fake does not
// produce, with the reason; everything else in the description must be hit by
// TestEveryOperation.
var notModelled = map[string]string{
	"GET /user 304":             "conditional requests (ETag/If-None-Match) are not modelled",
	"GET /rate_limit 304":       "conditional requests are not modelled",
	"GET /rate_limit 404":       "GHES with rate limiting disabled is not modelled",
	"GET /orgs/{org}/teams 403": "GitHub does not say when; no trigger modelled",
	"DELETE /orgs/{org}/invitations/{invitation_id} 422":                 "GitHub does not say when; no trigger modelled",
	"DELETE /repos/{owner}/{repo}/collaborators/{username} 422":          "GitHub does not say when; no trigger modelled",
	"GET /orgs/{org}/organization-roles 422":                             "roles feature always enabled in the fake",
	"GET /orgs/{org}/organization-roles/{role_id} 422":                   "roles feature always enabled in the fake",
	"GET /orgs/{org}/organization-roles/{role_id}/users 422":             "roles feature always enabled in the fake",
	"GET /orgs/{org}/organization-roles/{role_id}/teams 422":             "roles feature always enabled in the fake",
	"PUT /orgs/{org}/organization-roles/teams/{team_slug}/{role_id} 422": "roles feature always enabled in the fake",
}

func invitationPath(suffix string) func(t *testing.T, f *githubfake.Fake) req {
	return func(t *testing.T, f *githubfake.Fake) req {
		id := f.AddInvitation("acme", githubfake.Invitation{Login: "dave", Teams: []string{"engineering"}})
		return req{path: "/orgs/acme/invitations/" + strconv.FormatInt(id, 10) + suffix, token: "ghp_owner"}
	}
}

// userPath is GET <prefix><id of login> with token ("" for none).
func userPath(prefix, login, token string) func(t *testing.T, f *githubfake.Fake) req {
	return func(t *testing.T, f *githubfake.Fake) req {
		return req{path: prefix + strconv.FormatInt(f.UserID(login), 10), token: token}
	}
}

// userView checks a users/get-by-id or users/get-by-username answer: the
// account's current login and id, the view, and that only the private view
// shows the e-mail address.
func userView(login, view string) func(t *testing.T, f *githubfake.Fake, res response) {
	return func(t *testing.T, f *githubfake.Fake, res response) {
		is := is.New(t)
		u := res.object(t)
		is.Equal(u["login"], login)
		is.Equal(u["id"], float64(f.UserID(login)))
		is.Equal(u["user_view_type"], view)
		_, private := u["two_factor_authentication"]
		is.Equal(private, view == "private")
		if view == "public" {
			is.Equal(u["email"], nil)
		}
	}
}

// notFoundBody checks GitHub's 404 basic-error body.
func notFoundBody(doc string) func(t *testing.T, f *githubfake.Fake, res response) {
	return func(t *testing.T, f *githubfake.Fake, res response) {
		is.New(t).Equal(res.object(t), map[string]any{"message": "Not Found", "documentation_url": doc, "status": "404"})
	}
}

func roleID(f *githubfake.Fake, name string) string {
	return strconv.FormatInt(f.OrgRoleID("acme", name), 10)
}

var opCases = []opCase{
	{name: "get user", req: req{path: "/user", token: "ghp_owner"}, want: 200},
	{name: "get user, bad token", req: req{path: "/user", token: "ghp_nope"}, want: 401},
	{name: "get user, installation token", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{path: "/user", token: installationToken(t, f, nil)}
	}, want: 403},
	{name: "user by id", prep: userPath("/user/", "carol", "ghp_owner"), want: 200, check: userView("carol", "public")},
	{name: "user by id, own account", prep: userPath("/user/", "octocat", "ghp_owner"), want: 200, check: userView("octocat", "private")},
	{name: "user by id, installation token", prep: func(t *testing.T, f *githubfake.Fake) req {
		r := userPath("/user/", "alice", "")(t, f)
		r.token = installationToken(t, f, nil)
		return r
	}, want: 200, check: userView("alice", "public")},
	{name: "user by id, organization", prep: userPath("/user/", "other", ""), want: 200, check: userView("other", "public")},
	{name: "user by id, after rename", prep: func(t *testing.T, f *githubfake.Fake) req {
		r := userPath("/user/", "dave", "ghp_alice")(t, f)
		f.RenameUser("dave", "david")
		return r
	}, want: 200, check: userView("david", "public")},
	{name: "user by id, unknown", req: req{path: "/user/999999", token: "ghp_owner"}, want: 404,
		check: notFoundBody("https://docs.github.com/rest/users/users#get-a-user-using-their-id")},
	{name: "user by login", req: req{path: "/users/carol", token: "ghp_alice"}, want: 200, check: userView("carol", "public")},
	{name: "user by login, anonymous", req: req{path: "/users/Bob"}, want: 200, check: userView("bob", "public")},
	{name: "user by login, own account", req: req{path: "/users/carol", token: "ghp_carol"}, want: 200, check: userView("carol", "private")},
	{name: "user by login, unknown", req: req{path: "/users/ghost", token: "ghp_owner"}, want: 404,
		check: notFoundBody("https://docs.github.com/rest/users/users#get-a-user")},
	{name: "user by login, old login after rename", prep: func(t *testing.T, f *githubfake.Fake) req {
		f.RenameUser("dave", "david")
		return req{path: "/users/dave", token: "ghp_owner"}
	}, want: 404, check: notFoundBody("https://docs.github.com/rest/users/users#get-a-user")},
	{name: "rate limit", req: req{path: "/rate_limit", token: "ghp_owner"}, want: 200},
	{name: "get org", req: req{path: "/orgs/acme", token: "ghp_owner"}, want: 200},
	{name: "get org anonymously", req: req{path: "/orgs/acme"}, want: 200},
	{name: "get unknown org", req: req{path: "/orgs/nope", token: "ghp_owner"}, want: 404},

	{name: "list members", req: req{path: "/orgs/acme/members", token: "ghp_owner"}, want: 200},
	{name: "list members, 2fa filter by non-owner", req: req{path: "/orgs/acme/members?filter=2fa_disabled", token: "ghp_alice"}, want: 422},
	{name: "list members, bad role", req: req{path: "/orgs/acme/members?role=owner", token: "ghp_owner"}, want: 422},
	{name: "check member", req: req{path: "/orgs/acme/members/alice", token: "ghp_owner"}, want: 204},
	{name: "check member, requester not a member", req: req{path: "/orgs/acme/members/alice", token: "ghp_carol"}, want: 302},
	{name: "check member, not a member", req: req{path: "/orgs/acme/members/dave", token: "ghp_owner"}, want: 404},
	{name: "remove member", req: req{method: "DELETE", path: "/orgs/acme/members/bob", token: "ghp_owner"}, want: 204},
	{name: "remove member, not owner", req: req{method: "DELETE", path: "/orgs/acme/members/bob", token: "ghp_alice"}, want: 403},
	{name: "get membership", req: req{path: "/orgs/acme/memberships/bill", token: "ghp_owner"}, want: 200},
	{name: "get membership, outsider asks", req: req{path: "/orgs/acme/memberships/alice", token: "ghp_carol"}, want: 403},
	{name: "get membership, none", req: req{path: "/orgs/acme/memberships/dave", token: "ghp_owner"}, want: 404},
	{name: "set membership, promote", req: req{method: "PUT", path: "/orgs/acme/memberships/alice", token: "ghp_owner", body: map[string]string{"role": "admin"}}, want: 200},
	{name: "set membership, invite", req: req{method: "PUT", path: "/orgs/acme/memberships/dave", token: "ghp_owner"}, want: 200},
	{name: "set membership, not owner", req: req{method: "PUT", path: "/orgs/acme/memberships/bob", token: "ghp_alice", body: map[string]string{"role": "admin"}}, want: 403},
	{name: "set membership, bad role", req: req{method: "PUT", path: "/orgs/acme/memberships/bob", token: "ghp_owner", body: map[string]string{"role": "owner"}}, want: 422},
	{name: "remove membership", req: req{method: "DELETE", path: "/orgs/acme/memberships/bob", token: "ghp_owner"}, want: 204},
	{name: "remove membership, not owner", req: req{method: "DELETE", path: "/orgs/acme/memberships/bob", token: "ghp_alice"}, want: 403},
	{name: "remove membership, none", req: req{method: "DELETE", path: "/orgs/acme/memberships/dave", token: "ghp_owner"}, want: 404},

	{name: "list outside collaborators", req: req{path: "/orgs/acme/outside_collaborators", token: "ghp_owner"}, want: 200},
	{name: "convert to outside collaborator", req: req{method: "PUT", path: "/orgs/acme/outside_collaborators/bob", token: "ghp_owner"}, want: 204},
	{name: "convert to outside collaborator, async", req: req{method: "PUT", path: "/orgs/acme/outside_collaborators/bob", token: "ghp_owner", body: map[string]bool{"async": true}}, want: 202},
	{name: "convert to outside collaborator, not a member", req: req{method: "PUT", path: "/orgs/acme/outside_collaborators/dave", token: "ghp_owner"}, want: 403},
	{name: "convert to outside collaborator, unknown user", req: req{method: "PUT", path: "/orgs/acme/outside_collaborators/ghost", token: "ghp_owner"}, want: 404},
	{name: "remove outside collaborator", req: req{method: "DELETE", path: "/orgs/acme/outside_collaborators/carol", token: "ghp_owner"}, want: 204},
	{name: "remove outside collaborator, is a member", req: req{method: "DELETE", path: "/orgs/acme/outside_collaborators/alice", token: "ghp_owner"}, want: 422,
		check: func(t *testing.T, f *githubfake.Fake, res response) {
			is.New(t).Equal(res.object(t)["message"], "You cannot specify an organization member to remove as an outside collaborator.")
		}},

	{name: "list invitations", prep: func(t *testing.T, f *githubfake.Fake) req {
		invitationPath("")(t, f)
		return req{path: "/orgs/acme/invitations?role=direct_member", token: "ghp_owner"}
	}, want: 200, check: func(t *testing.T, f *githubfake.Fake, res response) {
		is.New(t).Equal(res.logins(t), []string{"dave"})
	}},
	{name: "list invitations, not owner", req: req{path: "/orgs/acme/invitations", token: "ghp_alice"}, want: 404},
	{name: "create invitation by id", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner",
			body: map[string]any{"invitee_id": f.UserID("dave"), "role": "direct_member", "team_ids": []int64{f.TeamID("acme", "engineering")}}}
	}, want: 201},
	{name: "create invitation by email", req: req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner", body: map[string]any{"email": "new@example.com"}}, want: 201},
	{name: "create invitation, not owner", req: req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_alice", body: map[string]any{"email": "new@example.com"}}, want: 404},
	{name: "create invitation, existing member", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "POST", path: "/orgs/acme/invitations", token: "ghp_owner", body: map[string]any{"invitee_id": f.UserID("alice")}}
	}, want: 422, check: func(t *testing.T, f *githubfake.Fake, res response) {
		errs := res.object(t)["errors"].([]any)
		is.New(t).Equal(errs[0].(map[string]any)["message"], "Invitee is already a part of this organization")
	}},
	{name: "cancel invitation", prep: func(t *testing.T, f *githubfake.Fake) req {
		r := invitationPath("")(t, f)
		r.method = "DELETE"
		return r
	}, want: 204},
	{name: "cancel unknown invitation", req: req{method: "DELETE", path: "/orgs/acme/invitations/999999", token: "ghp_owner"}, want: 404},
	{name: "invitation teams", prep: invitationPath("/teams"), want: 200},
	{name: "invitation teams, unknown", req: req{path: "/orgs/acme/invitations/999999/teams", token: "ghp_owner"}, want: 404},
	{name: "failed invitations", prep: func(t *testing.T, f *githubfake.Fake) req {
		id := f.AddInvitation("acme", githubfake.Invitation{Email: "late@example.com"})
		f.FailInvitation("acme", id, "Invitation expired")
		return req{path: "/orgs/acme/failed_invitations", token: "ghp_owner"}
	}, want: 200},
	{name: "failed invitations, not owner", req: req{path: "/orgs/acme/failed_invitations", token: "ghp_alice"}, want: 404},

	{name: "list teams", req: req{path: "/orgs/acme/teams", token: "ghp_alice"}, want: 200},
	{name: "get team", req: req{path: "/orgs/acme/teams/backend", token: "ghp_alice"}, want: 200},
	{name: "get unknown team", req: req{path: "/orgs/acme/teams/nope", token: "ghp_alice"}, want: 404},
	{name: "team members", req: req{path: "/orgs/acme/teams/engineering/members", token: "ghp_alice"}, want: 200},
	{name: "team membership", req: req{path: "/orgs/acme/teams/engineering/memberships/bob", token: "ghp_alice"}, want: 200},
	{name: "team membership, none", req: req{path: "/orgs/acme/teams/backend/memberships/alice", token: "ghp_alice"}, want: 404},
	{name: "set team membership by maintainer", req: req{method: "PUT", path: "/orgs/acme/teams/engineering/memberships/octocat", token: "ghp_alice", body: map[string]string{"role": "member"}}, want: 200},
	{name: "set team membership, outsider", req: req{method: "PUT", path: "/orgs/acme/teams/backend/memberships/dave", token: "ghp_carol"}, want: 403},
	{name: "set team membership, team sync", prep: func(t *testing.T, f *githubfake.Fake) req {
		f.SetTeamSync("acme", "backend", true)
		return req{method: "PUT", path: "/orgs/acme/teams/backend/memberships/alice", token: "ghp_owner"}
	}, want: 403},
	{name: "set team membership, an organization", req: req{method: "PUT", path: "/orgs/acme/teams/backend/memberships/other", token: "ghp_owner"}, want: 422},
	{name: "remove team membership", req: req{method: "DELETE", path: "/orgs/acme/teams/backend/memberships/bob", token: "ghp_owner"}, want: 204},
	{name: "remove team membership, not maintainer", req: req{method: "DELETE", path: "/orgs/acme/teams/backend/memberships/bob", token: "ghp_carol"}, want: 403},
	{name: "team repos", req: req{path: "/orgs/acme/teams/backend/repos", token: "ghp_alice"}, want: 200},
	{name: "team repo check with repository media type", req: req{path: "/orgs/acme/teams/engineering/repos/acme/api", token: "ghp_alice", header: map[string]string{"Accept": "application/vnd.github.v3.repository+json"}}, want: 200},
	{name: "team repo check", req: req{path: "/orgs/acme/teams/backend/repos/acme/api", token: "ghp_alice"}, want: 204},
	{name: "team repo check, no access", req: req{path: "/orgs/acme/teams/engineering/repos/acme/www", token: "ghp_alice"}, want: 404},
	{name: "set team repo", req: req{method: "PUT", path: "/orgs/acme/teams/backend/repos/acme/www", token: "ghp_owner", body: map[string]string{"permission": "maintain"}}, want: 204},
	{name: "remove team repo", req: req{method: "DELETE", path: "/orgs/acme/teams/engineering/repos/acme/api", token: "ghp_owner"}, want: 204},

	{name: "org repos", req: req{path: "/orgs/acme/repos", token: "ghp_alice"}, want: 200},
	{name: "collaborators", req: req{path: "/repos/acme/api/collaborators", token: "ghp_owner"}, want: 200},
	{name: "collaborators, unknown repo", req: req{path: "/repos/acme/nope/collaborators", token: "ghp_owner"}, want: 404},
	{name: "check collaborator", req: req{path: "/repos/acme/api/collaborators/carol", token: "ghp_owner"}, want: 204},
	{name: "check collaborator, none", req: req{path: "/repos/acme/api/collaborators/dave", token: "ghp_owner"}, want: 404},
	{name: "add collaborator, invitation", req: req{method: "PUT", path: "/repos/acme/api/collaborators/dave", token: "ghp_owner", body: map[string]string{"permission": "triage"}}, want: 201},
	{name: "add collaborator, member", req: req{method: "PUT", path: "/repos/acme/www/collaborators/alice", token: "ghp_owner", body: map[string]string{"permission": "admin"}}, want: 204},
	{name: "add collaborator, no admin rights", req: req{method: "PUT", path: "/repos/acme/api/collaborators/dave", token: "ghp_alice"}, want: 403},
	{name: "add collaborator, bad permission", req: req{method: "PUT", path: "/repos/acme/api/collaborators/dave", token: "ghp_owner", body: map[string]string{"permission": "superuser"}}, want: 422},
	{name: "remove collaborator", req: req{method: "DELETE", path: "/repos/acme/api/collaborators/carol", token: "ghp_owner"}, want: 204},
	{name: "remove collaborator, no admin rights", req: req{method: "DELETE", path: "/repos/acme/api/collaborators/bob", token: "ghp_alice"}, want: 403},
	{name: "collaborator permission", req: req{path: "/repos/acme/api/collaborators/bob/permission", token: "ghp_owner"}, want: 200},
	{name: "collaborator permission, unknown user", req: req{path: "/repos/acme/api/collaborators/ghost/permission", token: "ghp_owner"}, want: 404},
	{name: "repo teams", req: req{path: "/repos/acme/api/teams", token: "ghp_alice"}, want: 200},
	{name: "repo teams, private repo hidden", req: req{path: "/repos/acme/api/teams", token: "ghp_carol"}, want: 200},
	{name: "repo teams, unknown repo", req: req{path: "/repos/acme/nope/teams", token: "ghp_alice"}, want: 404},

	{name: "org roles", req: req{path: "/orgs/acme/organization-roles", token: "ghp_owner"}, want: 200},
	{name: "org roles, not owner", req: req{path: "/orgs/acme/organization-roles", token: "ghp_alice"}, want: 404},
	{name: "org role", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{path: "/orgs/acme/organization-roles/" + roleID(f, "all_repo_write"), token: "ghp_owner"}
	}, want: 200},
	{name: "org role, unknown", req: req{path: "/orgs/acme/organization-roles/1", token: "ghp_owner"}, want: 404},
	{name: "org role users", prep: func(t *testing.T, f *githubfake.Fake) req {
		f.AssignOrgRole("acme", f.OrgRoleID("acme", "all_repo_write"), "bob")
		f.AssignOrgRoleToTeam("acme", f.OrgRoleID("acme", "all_repo_write"), "engineering")
		return req{path: "/orgs/acme/organization-roles/" + roleID(f, "all_repo_write") + "/users", token: "ghp_owner"}
	}, want: 200},
	{name: "org role users, unknown role", req: req{path: "/orgs/acme/organization-roles/1/users", token: "ghp_owner"}, want: 404},
	{name: "org role teams", prep: func(t *testing.T, f *githubfake.Fake) req {
		f.AssignOrgRoleToTeam("acme", f.OrgRoleID("acme", "all_repo_read"), "backend")
		return req{path: "/orgs/acme/organization-roles/" + roleID(f, "all_repo_read") + "/teams", token: "ghp_owner"}
	}, want: 200},
	{name: "org role teams, unknown role", req: req{path: "/orgs/acme/organization-roles/1/teams", token: "ghp_owner"}, want: 404},
	{name: "assign org role to user", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "PUT", path: "/orgs/acme/organization-roles/users/alice/" + roleID(f, "security_manager"), token: "ghp_owner"}
	}, want: 204},
	{name: "assign org role to user, unknown role", req: req{method: "PUT", path: "/orgs/acme/organization-roles/users/alice/1", token: "ghp_owner"}, want: 404},
	{name: "assign org role to user, not a member", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "PUT", path: "/orgs/acme/organization-roles/users/carol/" + roleID(f, "security_manager"), token: "ghp_owner"}
	}, want: 422},
	{name: "revoke org role from user", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "DELETE", path: "/orgs/acme/organization-roles/users/alice/" + roleID(f, "security_manager"), token: "ghp_owner"}
	}, want: 204},
	{name: "assign org role to team", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "PUT", path: "/orgs/acme/organization-roles/teams/backend/" + roleID(f, "all_repo_triage"), token: "ghp_owner"}
	}, want: 204},
	{name: "assign org role to team, unknown team", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "PUT", path: "/orgs/acme/organization-roles/teams/nope/" + roleID(f, "all_repo_triage"), token: "ghp_owner"}
	}, want: 404},
	{name: "revoke org role from team", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "DELETE", path: "/orgs/acme/organization-roles/teams/backend/" + roleID(f, "all_repo_triage"), token: "ghp_owner"}
	}, want: 204},

	{name: "org installation", req: req{path: "/orgs/acme/installation", token: "jwt:4242"}, want: 200},
	{name: "installation token", prep: func(t *testing.T, f *githubfake.Fake) req {
		return req{method: "POST", path: "/app/installations/3001/access_tokens", token: "jwt:4242", body: map[string]any{"repositories": []string{"api"}, "permissions": map[string]string{"members": "read"}}}
	}, want: 201},
	{name: "installation token, JWT by client id", req: req{method: "POST", path: "/app/installations/3001/access_tokens", token: "jwt:Iv1.lumos"}, want: 201},
	{name: "installation token, PAT instead of JWT", req: req{method: "POST", path: "/app/installations/3001/access_tokens", token: "ghp_owner"}, want: 401},
	{name: "installation token, suspended", prep: func(t *testing.T, f *githubfake.Fake) req {
		f.SuspendInstallation(3001, true)
		return req{method: "POST", path: "/app/installations/3001/access_tokens", token: "jwt:4242"}
	}, want: 403},
	{name: "installation token, unknown installation", req: req{method: "POST", path: "/app/installations/1/access_tokens", token: "jwt:4242"}, want: 404},
	{name: "installation token, unknown repository", req: req{method: "POST", path: "/app/installations/3001/access_tokens", token: "jwt:4242", body: map[string]any{"repositories": []string{"nope"}}}, want: 422},
}

// TestEveryOperation runs every operation of the trimmed description through
// the validating fake, for success and documented error statuses, and checks
// that each documented (operation, status) pair is covered or listed in
// notModelled.
func TestEveryOperation(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := seed(t, githubfake.Options{})
			r := tc.req
			if tc.prep != nil {
				r = tc.prep(t, f)
			}
			if r.method == "" {
				r.method = "GET"
			}
			res := do(t, f, r)
			is.Equal(res.status, tc.want) // status
			path, _, _ := strings.Cut(r.path, "?")
			op, ok := githubfake.Operation(r.method, path)
			is.True(ok) // the fake serves the operation
			covered[fmt.Sprintf("%s %d", op, res.status)] = true
			if tc.check != nil {
				tc.check(t, f, res)
			}
		})
	}

	want := documentedStatuses(t)
	var missing []string
	for _, k := range want {
		if !covered[k] && notModelled[k] == "" {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("documented statuses not exercised (add a case or a notModelled entry):\n%s", strings.Join(missing, "\n"))
	}
	for k := range notModelled {
		if !slices.Contains(want, k) {
			t.Errorf("notModelled entry %q is not a documented status", k)
		}
	}
}

// documentedStatuses lists "METHOD /path STATUS" for every response in the
// trimmed description.
func documentedStatuses(t *testing.T) []string {
	t.Helper()
	path, err := githubfake.SpecPath()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for p, item := range doc.Paths {
		for method, rawOp := range item {
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if json.Unmarshal(rawOp, &op) != nil || op.Responses == nil {
				continue
			}
			for status := range op.Responses {
				out = append(out, fmt.Sprintf("%s %s %s", strings.ToUpper(method), p, status))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestRoutesMatchDescription: the fake implements exactly the operations of
// the trimmed description.
func TestRoutesMatchDescription(t *testing.T) {
	is := is.New(t)
	ops := map[string]bool{}
	for _, s := range documentedStatuses(t) {
		i := strings.LastIndexByte(s, ' ')
		ops[s[:i]] = true
	}
	routes := githubfake.Routes()
	for _, r := range routes {
		is.True(ops[r]) // route is in the description
	}
	for op := range ops {
		is.True(slices.Contains(routes, op)) // description operation is served
	}
}
