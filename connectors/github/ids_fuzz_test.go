package github

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// fuzzEntitlementTypes are the entitlement types a fuzzed reference picks from.
var fuzzEntitlementTypes = []string{EntitlementTypeOrgRole, EntitlementTypeTeamRole, EntitlementTypeRepoPermission, "enterprise_role"}

// checkAPIPath asserts that a path built from ids has exactly the segments
// of its route: none empty, none "." or "..", and name (an id's escaped
// form) as segment at.
func checkAPIPath(t *testing.T, path string, segments, at int, name string) {
	t.Helper()
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) != segments {
		t.Fatalf("path %q has %d segments, want %d", path, len(segs), segments)
	}
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			t.Fatalf("path %q has the segment %q, which a server may resolve away", path, s)
		}
	}
	if got, err := url.PathUnescape(segs[at]); err != nil || got != name {
		t.Fatalf("path %q names %q (%v), want %q", path, got, err, name)
	}
}

// FuzzParseTarget reads any entitlement reference of a write and any
// invitation team: what it accepts gives API paths with exactly their
// route's segments, the team slug or repository name among them as one
// segment (never a dot segment, which would reach another route); an
// accepted account id writes back as itself.
func FuzzParseTarget(f *testing.F) {
	for _, seed := range []struct {
		typ               uint8
		resType, res, ent string
	}{
		{0, "", "", "owner"}, {1, ResourceTypeTeam, "team:frontend", "maintainer"}, {2, ResourceTypeRepository, "repo:api", "read"},
		{1, "", "team:..", "member"}, {2, "", "repo:.", "admin"}, {1, "", "team:a/b", "member"}, {2, "", "repo:a%2F..", "write"},
		{1, "", "team:", "member"}, {2, "", "repo:../../orgs/acme", "admin"}, {1, "", "team:%2e%2e", "member"}, {3, "", "", "x"},
		{0, "", "", "583231"}, {0, "", "", "invitation:42"}, {0, "", "", "0583231"}, {0, "", "", "invitation:-1"},
	} {
		f.Add(seed.typ, seed.resType, seed.res, seed.ent)
	}
	ss := &session{org: url.PathEscape("acme")}
	login := pathEscape("octocat")
	f.Fuzz(func(t *testing.T, typ uint8, resType, res, ent string) {
		ref := toolkit.EntitlementRef{EntitlementType: fuzzEntitlementTypes[int(typ)%len(fuzzEntitlementTypes)], ResourceType: resType, ResourceID: res, EntitlementID: ent}
		if tg, err := parseTarget(ref); err == nil {
			switch tg.typ {
			case EntitlementTypeTeamRole:
				checkAPIPath(t, ss.orgPath("/teams/%s/memberships/%s", pathEscape(tg.team), login), 6, 3, tg.team)
			case EntitlementTypeRepoPermission:
				checkAPIPath(t, ss.repoPath(tg.repo, "/collaborators/%s", login), 5, 2, tg.repo)
			case EntitlementTypeOrgRole:
				if tg.team != "" || tg.repo != "" {
					t.Fatalf("org role %+v names a team or repository", tg)
				}
			default:
				t.Fatalf("%+v accepted as %+v", ref, tg)
			}
		}
		plan := &invitationPlan{login: "octocat", maintainerOf: map[string]bool{}}
		if err := plan.teamRole(res, ent); err == nil {
			slug := plan.teamSlugs[len(plan.teamSlugs)-1]
			checkAPIPath(t, ss.orgPath("/teams/%s", pathEscape(slug)), 4, 3, slug)
		}
		for _, id := range []string{ent, res} {
			if a, err := parseAccountID(id); err == nil && a.String() != id {
				t.Fatalf("account id %q read as %+v, which writes as %q", id, a, a.String())
			}
		}
	})
}

// TestDotSegmentIDs: a team slug or repository name "." or ".." is refused
// as unknown before any request, so it never reaches GitHub as a dot
// segment (team:.. would otherwise name /orgs/{org}/memberships/{user}, the
// organization membership, on a server that resolves dot segments; found
// by FuzzParseTarget).
func TestDotSegmentIDs(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedRichOrg(e)
	var (
		mu       sync.Mutex
		dotPaths []string // requests with a dot segment
	)
	e.inject = func(_ int, r *http.Request) int {
		for _, seg := range strings.Split(r.URL.Path, "/") {
			if seg == "." || seg == ".." {
				mu.Lock()
				dotPaths = append(dotPaths, r.Method+" "+r.URL.Path)
				mu.Unlock()
			}
		}
		return 0
	}
	tests := []struct {
		name, capName string
		req           map[string]any
	}{
		{"assign team:..", "assign_entitlement", assignReq(s.carol, EntitlementTypeTeamRole, "team:..", "member")},
		{"unassign team:..", "unassign_entitlement", assignReq(s.carol, EntitlementTypeTeamRole, "team:..", "member")},
		{"assign team:.", "assign_entitlement", assignReq(s.carol, EntitlementTypeTeamRole, "team:.", "maintainer")},
		{"assign repo:..", "assign_entitlement", assignReq(s.carol, EntitlementTypeRepoPermission, "repo:..", "admin")},
		{"unassign repo:.", "unassign_entitlement", assignReq(s.carol, EntitlementTypeRepoPermission, "repo:.", "read")},
		{"invite into team:..", "create_account", map[string]any{"email": "d@example.com",
			"entitlements": []any{map[string]any{"entitlement_type": EntitlementTypeTeamRole, "integration_specific_resource_id": "team:..", "integration_specific_id": "member"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			code := "not_found"
			if tc.capName == "create_account" {
				code = "bad_request"
			}
			e.fail(tc.capName, tc.req, call{}, code)
			mu.Lock()
			defer mu.Unlock()
			is.Equal(dotPaths, []string(nil)) // no request with a dot segment
		})
	}
}
