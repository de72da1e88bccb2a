package githubfake_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

// Creating an invitation checks its invitee, its role and its teams, and
// answers each bad request as GitHub does. Each case starts with the seed
// and a pending invitation of erin@example.com.
func TestCreateInvitation(t *testing.T) {
	tests := []struct {
		name  string
		token string // default ghp_owner
		body  func(f *githubfake.Fake) any
		want  int
		error map[string]any // the first of the 422 errors, if any
		check func(is *is.I, m map[string]any)
	}{
		{name: "neither invitee_id nor email", body: func(*githubfake.Fake) any { return map[string]any{"role": "admin"} }, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "invitee_id", "code": "missing_field", "message": "Either invitee_id or email must be provided."}},
		{name: "both invitee_id and email", body: func(f *githubfake.Fake) any {
			return map[string]any{"invitee_id": f.UserID("dave"), "email": "dave@example.com"}
		}, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "data", "code": "invalid", "message": "Provide either invitee_id or email, not both."}},
		{name: "an unknown user", body: func(*githubfake.Fake) any { return map[string]any{"invitee_id": 999999} }, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "invitee_id", "code": "invalid", "value": "999999"}},
		{name: "an organization", body: func(f *githubfake.Fake) any { return map[string]any{"invitee_id": f.UserID("other")} }, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "invitee_id", "code": "invalid"}},
		{name: "an e-mail without @", body: func(*githubfake.Fake) any { return map[string]any{"email": "nobody"} }, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "email", "code": "invalid", "value": "nobody"}},
		{name: "a member", body: func(f *githubfake.Fake) any { return map[string]any{"invitee_id": f.UserID("alice")} }, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "data", "code": "unprocessable", "message": "Invitee is already a part of this organization"}},
		{name: "an e-mail already invited, in another case",
			body: func(*githubfake.Fake) any { return map[string]any{"email": "Erin@Example.com"} }, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "data", "code": "already_exists", "message": "Invitee already has a pending invitation to this organization"}},
		{name: "an unknown team", body: func(f *githubfake.Fake) any {
			return map[string]any{"invitee_id": f.UserID("dave"), "team_ids": []int64{f.TeamID("acme", "backend"), 999999}}
		}, want: 422,
			error: map[string]any{"resource": "OrganizationInvitation", "field": "team_ids", "code": "invalid", "value": "999999"}},
		{name: "an unknown role", body: func(f *githubfake.Fake) any { return map[string]any{"invitee_id": f.UserID("dave"), "role": "owner"} }, want: 422},
		{name: "a body that is not JSON", body: func(*githubfake.Fake) any { return `{"email":` }, want: 400},
		{name: "not an owner", token: "ghp_alice", body: func(f *githubfake.Fake) any { return map[string]any{"invitee_id": f.UserID("dave")} }, want: 404},
		{name: "a team named twice counts once", body: func(f *githubfake.Fake) any {
			return map[string]any{"invitee_id": f.UserID("dave"), "team_ids": []int64{f.TeamID("acme", "backend"), f.TeamID("acme", "backend")}}
		}, want: 201, check: func(is *is.I, m map[string]any) {
			is.Equal(m["login"], "dave")
			is.Equal(m["team_count"], 1.0)
			is.Equal(m["role"], "direct_member") // the default role
		}},
		{name: "reinstate invites as a direct member", body: func(f *githubfake.Fake) any {
			return map[string]any{"invitee_id": f.UserID("dave"), "role": "reinstate"}
		}, want: 201, check: func(is *is.I, m map[string]any) { is.Equal(m["role"], "direct_member") }},
		{name: "the e-mail of a user, in another case", body: func(*githubfake.Fake) any { return map[string]any{"email": "CAROL@example.com"} }, want: 201,
			check: func(is *is.I, m map[string]any) {
				is.Equal(m["login"], "carol")
				is.Equal(m["email"], "CAROL@example.com")
			}},
		{name: "the e-mail of nobody known", body: func(*githubfake.Fake) any { return map[string]any{"email": "zoe@example.com", "role": "admin"} }, want: 201,
			check: func(is *is.I, m map[string]any) {
				is.Equal(m["login"], nil)
				is.Equal(m["role"], "admin")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := seed(t, githubfake.Options{})
			f.AddInvitation("acme", githubfake.Invitation{Email: "erin@example.com"})
			token := tc.token
			if token == "" {
				token = "ghp_owner"
			}
			invitations := func() int { return len(do(t, f, req{path: "/orgs/acme/invitations", token: "ghp_owner"}).array(t)) }
			before := invitations()
			res := do(t, f, req{method: "POST", path: "/orgs/acme/invitations", token: token, body: tc.body(f)})
			is.Equal(res.status, tc.want)
			if tc.error != nil {
				first := res.object(t)["errors"].([]any)[0].(map[string]any)
				for k, v := range tc.error {
					is.Equal(first[k], v) // the error's field k
				}
			}
			if tc.check != nil {
				tc.check(is, res.object(t))
			}
			created := 0
			if tc.want == 201 {
				created = 1
			}
			is.Equal(invitations(), before+created) // invitations pending after the request
		})
	}
}
