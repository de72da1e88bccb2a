package github

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
)

// richOrg: owners boss, alice; members carol, dave, erin; outside
// collaborator olivia; teams backend ⊃ backend-api, frontend, sync-team (IdP
// synchronized); repositories api (private), web, infra (private); custom
// repository role security-reviewer; base repository permission none;
// pending invitation of newbie.
type richOrg struct {
	boss, alice, carol, dave, erin, olivia, newbie, stranger int64
	invitation                                               int64
}

func seedRichOrg(e *env) richOrg {
	var s richOrg
	e.f.SetOrgProfile(org, "Acme Corp", "Makers of everything.")
	e.f.SetBaseRepoPermission(org, "none")
	s.boss = e.f.UserID(ownerLogin)
	s.alice = e.member("alice", "admin")
	s.carol = e.member("carol", "member")
	s.dave = e.member("dave", "member")
	s.erin = e.member("erin", "member")
	e.f.AddTeam(org, "Backend", "")
	e.f.AddTeam(org, "Backend API", "backend")
	e.f.AddTeam(org, "Frontend", "")
	e.f.AddTeam(org, "Sync Team", "")
	e.f.SetTeamSync(org, "sync-team", true)
	e.f.AddTeamMember(org, "backend", "carol", "maintainer")
	e.f.AddTeamMember(org, "backend-api", "dave", "member") // also an inherited member of backend
	e.f.AddTeamMember(org, "frontend", "erin", "member")
	e.f.AddTeamMember(org, "frontend", "carol", "member")
	e.f.AddRepo(org, githubfake.Repo{Name: "api", Private: true, Description: "The API"})
	e.f.AddRepo(org, githubfake.Repo{Name: "web"})
	e.f.AddRepo(org, githubfake.Repo{Name: "infra", Private: true})
	e.f.AddCustomRepoRole(org, "security-reviewer", "read")
	s.olivia = e.outside("olivia", "api", "push")
	e.f.AddCollaborator(org, "infra", "erin", "maintain")
	e.f.AddCollaborator(org, "web", "dave", "security-reviewer")
	e.f.AddTeamRepo(org, "backend", "api", "push")
	s.newbie = e.user("newbie")
	s.stranger = e.user("stranger")
	s.invitation = e.f.AddInvitation(org, githubfake.Invitation{Login: "newbie"})
	return s
}

var customRoles = map[string]any{"custom_repository_roles": []string{"security-reviewer"}}

func TestListResources(t *testing.T) {
	e := newEnv(t, envOptions{linkByID: true})
	seedRichOrg(e)
	want := []string{"", "team:backend", "team:backend-api", "team:frontend", "team:sync-team", "repo:api", "repo:infra", "repo:web"}
	for _, size := range []int{1, 2, 3, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := newIs(t)
			got, calls := drain[toolkit.FoundResourceData](e, "list_resources", map[string]any{}, call{}, size)
			var ids []string
			for _, r := range got {
				ids = append(ids, r.IntegrationSpecificID)
			}
			is.Equal(ids, want)
			is.Equal(calls, (len(want)+size-1)/size)
			is.Equal(got[0].Label, "Acme Corp")
			is.Equal(got[0].ResourceType, ResourceTypeOrganization)
			is.Equal(*got[0].Description, "Makers of everything.")
			is.Equal(got[1].ResourceType, ResourceTypeTeam)
			is.Equal(got[1].Label, "Backend")
			is.Equal(got[2].ExtraData["parent"], "team:backend")
			is.Equal(got[5].ResourceType, ResourceTypeRepository)
			is.Equal(got[5].ExtraData["visibility"], "private")
			is.Equal(*got[5].Description, "The API")
		})
	}
	t.Run("unknown org", func(t *testing.T) {
		e.fail("list_resources", map[string]any{}, call{settings: map[string]any{"org": "ghost"}}, "not_found", `"ghost"`)
	})
}

func TestListEntitlements(t *testing.T) {
	e := newEnv(t, envOptions{})
	seedRichOrg(e)
	one := decode[[]toolkit.FoundEntitlementData](t, e.ok("list_entitlements", map[string]any{}, call{settings: customRoles, page: &toolkit.Page{Size: 1000}}).Response)
	is := newIs(t)
	is.Equal(len(one), 2+4*2+3*6)
	type key struct{ typ, res, id string }
	var keys []key
	for _, en := range one {
		keys = append(keys, key{en.EntitlementType, en.IntegrationSpecificResourceID, en.IntegrationSpecificID})
		is.True(*en.IsAssignable)
	}
	is.Equal(keys[:4], []key{{"org_role", "", "owner"}, {"org_role", "", "member"}, {"team_role", "team:backend", "member"}, {"team_role", "team:backend", "maintainer"}})
	is.True(slices.Contains(keys, key{"repo_permission", "repo:infra", "security-reviewer"}))
	is.True(slices.Contains(keys, key{"repo_permission", "repo:web", "triage"}))
	for _, size := range []int{1, 5, 7} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := newIs(t)
			got, _ := drain[toolkit.FoundEntitlementData](e, "list_entitlements", map[string]any{}, call{settings: customRoles}, size)
			is.Equal(got, one)
		})
	}
	t.Run("bad custom role setting", func(t *testing.T) {
		e.fail("list_entitlements", map[string]any{}, call{settings: map[string]any{"custom_repository_roles": []string{"admin"}}}, "bad_request", "built-in")
	})
}

func assocKey(a toolkit.FoundEntitlementAssociation) string {
	return a.AccountID + " " + a.IntegrationSpecificEntitlementID + " " + a.IntegrationSpecificResourceID
}

func TestFindEntitlementAssociations(t *testing.T) {
	e := newEnv(t, envOptions{linkByID: true})
	s := seedRichOrg(e)
	want := []string{
		id(s.boss) + " owner ", id(s.alice) + " owner ",
		id(s.carol) + " member ", id(s.dave) + " member ", id(s.erin) + " member ",
		id(s.carol) + " maintainer team:backend", // dave's inherited membership is reported on backend-api only
		id(s.dave) + " member team:backend-api",
		id(s.carol) + " member team:frontend", id(s.erin) + " member team:frontend",
		id(s.olivia) + " write repo:api", // direct collaborators, with GitHub's role_name
		id(s.erin) + " maintain repo:infra",
		id(s.dave) + " security-reviewer repo:web",
	}
	for _, size := range []int{1, 2, 3, 5, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := newIs(t)
			got, _ := drain[toolkit.FoundEntitlementAssociation](e, "find_entitlement_associations", map[string]any{}, call{}, size)
			var keys []string
			for _, a := range got {
				keys = append(keys, assocKey(a))
			}
			is.Equal(keys, want)
		})
	}
}

// TestFindEntitlementAssociationsBudget: many teams and repositories with
// nobody in them are walked over several calls (at most 200 upstream
// requests each), without losing anyone.
func TestFindEntitlementAssociationsBudget(t *testing.T) {
	is := newIs(t)
	e := newEnv(t, envOptions{})
	for i := range 260 {
		e.f.AddTeam(org, "Team "+pad(i), "")
	}
	e.member("zed", "member")
	e.f.AddTeamMember(org, "team-00259", "zed", "maintainer")
	e.resetCounts()
	got, calls := drain[toolkit.FoundEntitlementAssociation](e, "find_entitlement_associations", map[string]any{}, call{}, 1000)
	is.Equal(len(got), 3) // boss owner, zed member, zed maintainer of the last team
	is.Equal(assocKey(got[2]), id(e.f.UserID("zed"))+" maintainer team:team-00259")
	is.True(calls >= 2)
	is.True(e.requestCount() < 300)
}

func TestGetAccountEntitlementAssociations(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	tests := []struct {
		name    string
		account string
		want    []string
		code    string
	}{
		{name: "owner", account: id(s.alice), want: []string{id(s.alice) + " owner "}},
		{name: "maintainer and member", account: id(s.carol), want: []string{id(s.carol) + " member ", id(s.carol) + " maintainer team:backend", id(s.carol) + " member team:frontend"}},
		{name: "inherited membership not reported", account: id(s.dave), want: []string{id(s.dave) + " member ", id(s.dave) + " member team:backend-api", id(s.dave) + " security-reviewer repo:web"}},
		{name: "direct repository grant", account: id(s.erin), want: []string{id(s.erin) + " member ", id(s.erin) + " member team:frontend", id(s.erin) + " maintain repo:infra"}},
		{name: "outside collaborator", account: id(s.olivia), want: []string{id(s.olivia) + " write repo:api"}},
		{name: "pending invitation", account: "invitation:" + id(s.invitation), want: nil},
		{name: "no such invitation", account: "invitation:4", code: "not_found"},
		{name: "stranger", account: id(s.stranger), want: nil},
		{name: "unknown user", account: "123456789", code: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			req := map[string]any{"account_id": tc.account}
			if tc.code != "" {
				e.fail("get_account_entitlement_associations", req, call{}, tc.code)
				return
			}
			got := decode[[]toolkit.FoundEntitlementAssociation](t, e.ok("get_account_entitlement_associations", req, call{}).Response)
			var keys []string
			for _, a := range got {
				keys = append(keys, assocKey(a))
			}
			is.Equal(keys, tc.want)
		})
	}
	t.Run("consistent with find_entitlement_associations", func(t *testing.T) {
		is := newIs(t)
		all, _ := drain[toolkit.FoundEntitlementAssociation](e, "find_entitlement_associations", map[string]any{}, call{}, 100)
		for _, acct := range []int64{s.boss, s.alice, s.carol, s.dave, s.erin, s.olivia} {
			var want []string
			for _, a := range all {
				if a.AccountID == id(acct) {
					want = append(want, assocKey(a))
				}
			}
			var got []string
			for _, a := range decode[[]toolkit.FoundEntitlementAssociation](t, e.ok("get_account_entitlement_associations", map[string]any{"account_id": id(acct)}, call{}).Response) {
				got = append(got, assocKey(a))
			}
			slices.Sort(want)
			slices.Sort(got)
			is.Equal(strings.Join(got, "|"), strings.Join(want, "|"))
		}
	})
}
