package githubfake_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

var linkRE = regexp.MustCompile(`<([^>]+)>; rel="([a-z]+)"`)

// parseLinks maps rel to URL.
func parseLinks(h string) map[string]string {
	out := map[string]string{}
	for _, m := range linkRE.FindAllStringSubmatch(h, -1) {
		out[m[2]] = m[1]
	}
	return out
}

func pageParam(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("page")
}

func manyMembers(t *testing.T, opts githubfake.Options, n int) *githubfake.Fake {
	f := seed(t, opts)
	for i := range n {
		f.AddMember("acme", fmt.Sprintf("user%03d", i), "member")
	}
	return f // 3 seeded members + n
}

func TestPagination(t *testing.T) {
	tests := []struct {
		name      string
		query     string
		wantCount int
		wantRels  map[string]string // rel -> page
	}{
		{"default page size 30, first page", "", 30, map[string]string{"next": "2", "last": "3"}},
		{"per_page 25, page 2", "?per_page=25&page=2", 25, map[string]string{"prev": "1", "next": "3", "last": "3", "first": "1"}},
		{"per_page 25, last page", "?per_page=25&page=3", 23, map[string]string{"prev": "2", "first": "1"}},
		{"per_page above 100 is capped", "?per_page=500", 73, map[string]string{}},
		{"per_page 100 fits everything: no Link", "?per_page=100", 73, nil},
		{"page beyond the end is empty", "?per_page=50&page=9", 0, map[string]string{"prev": "2", "first": "1"}},
	}
	f := manyMembers(t, githubfake.Options{}, 70)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			res := do(t, f, req{path: "/orgs/acme/members" + tc.query, token: "ghp_owner"})
			is.Equal(res.status, 200)
			is.Equal(len(res.array(t)), tc.wantCount)
			link := res.header.Get("Link")
			if tc.wantRels == nil {
				is.Equal(link, "") // no Link header when everything fits
				return
			}
			if len(tc.wantRels) == 0 {
				return
			}
			rels := parseLinks(link)
			is.Equal(len(rels), len(tc.wantRels))
			for rel, page := range tc.wantRels {
				is.Equal(pageParam(t, rels[rel]), page) // page of rel
				is.True(strings.HasPrefix(rels[rel], f.URL()+"/orgs/acme/members?"))
				if strings.Contains(tc.query, "per_page") {
					is.True(strings.Contains(rels[rel], "per_page=")) // per_page carried into links
				}
			}
		})
	}
}

// TestFollowLinks walks every page via rel="next" exactly as a client should,
// for both link styles and with a GHES-style prefix.
func TestFollowLinks(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts githubfake.Options
		want string // substring of next links
	}{
		{"same path", githubfake.Options{}, "/orgs/acme/members?"},
		{"by id", githubfake.Options{LinkStyle: githubfake.LinkByID}, "/organizations/"},
		{"GHES prefix, by id", githubfake.Options{PathPrefix: "/api/v3", LinkStyle: githubfake.LinkByID}, "/api/v3/organizations/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := manyMembers(t, tc.opts, 20)
			seen := map[string]bool{}
			next := f.URL() + "/orgs/acme/members?per_page=7&role=all"
			pages := 0
			for next != "" {
				pages++
				res := do(t, f, req{path: strings.TrimPrefix(next, f.URL()), token: "ghp_owner"})
				is.Equal(res.status, http.StatusOK)
				for _, l := range res.logins(t) {
					is.True(!seen[l]) // no duplicates across pages
					seen[l] = true
				}
				next = parseLinks(res.header.Get("Link"))["next"]
				if next != "" {
					is.True(strings.Contains(next, tc.want))
					is.True(strings.Contains(next, "role=all")) // filters carried along
				}
			}
			is.Equal(pages, 4)
			is.Equal(len(seen), 23)
		})
	}
}

func TestListFilters(t *testing.T) {
	f := seed(t, githubfake.Options{})
	f.AddUser(githubfake.User{Login: "alice", TwoFactor: "disabled"})
	f.AddTeamMember("acme", "backend", "octocat", "member")
	tests := []struct {
		name  string
		path  string
		token string
		want  []string
	}{
		{"owners", "/orgs/acme/members?role=admin", "ghp_owner", []string{"octocat"}},
		{"members (billing managers are not members)", "/orgs/acme/members?role=member", "ghp_owner", []string{"alice", "bob"}},
		{"2fa disabled", "/orgs/acme/members?filter=2fa_disabled", "ghp_owner", []string{"alice"}},
		{"outside collaborators", "/orgs/acme/outside_collaborators", "ghp_owner", []string{"carol"}},
		{"team members include child teams", "/orgs/acme/teams/engineering/members", "ghp_owner", []string{"alice", "bob", "octocat"}},
		{"team maintainers (owners count as maintainers)", "/orgs/acme/teams/engineering/members?role=maintainer", "ghp_owner", []string{"alice", "octocat"}},
		{"direct collaborators", "/repos/acme/api/collaborators?affiliation=direct", "ghp_owner", []string{"carol"}},
		{"outside collaborators of a repo", "/repos/acme/api/collaborators?affiliation=outside", "ghp_owner", []string{"carol"}},
		{"all collaborators", "/repos/acme/api/collaborators", "ghp_owner", []string{"octocat", "alice", "bob", "carol"}},
		{"collaborators with push", "/repos/acme/api/collaborators?permission=push", "ghp_owner", []string{"alice", "bob"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			res := do(t, f, req{path: tc.path, token: tc.token})
			is.Equal(res.status, 200)
			got := res.logins(t)
			is.Equal(len(got), len(tc.want))
			for _, w := range tc.want {
				is.True(strings.Contains(","+strings.Join(got, ",")+",", ","+w+",")) // login listed
			}
		})
	}
}

func TestOrgReposVisibilityAndSort(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	f.AddRepo("acme", githubfake.Repo{Name: "secret", Private: true})
	names := func(res response) []string {
		var out []string
		for _, x := range res.array(t) {
			out = append(out, x.(map[string]any)["name"].(string))
		}
		return out
	}
	// carol (outside collaborator) sees public repos and api, not secret.
	res := do(t, f, req{path: "/orgs/acme/repos?sort=full_name", token: "ghp_carol"})
	is.Equal(names(res), []string{"api", "www"})
	// members see everything through the base permission (read).
	res = do(t, f, req{path: "/orgs/acme/repos?sort=full_name&direction=desc", token: "ghp_alice"})
	is.Equal(names(res), []string{"www", "secret", "api"})
	res = do(t, f, req{path: "/orgs/acme/repos?type=private&sort=full_name", token: "ghp_owner"})
	is.Equal(names(res), []string{"api", "secret"})
	first := res.array(t)[0].(map[string]any)
	is.Equal(first["role_name"], "admin")
	is.Equal(first["permissions"].(map[string]any)["admin"], true)
}
