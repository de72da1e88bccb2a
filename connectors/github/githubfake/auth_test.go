package githubfake_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

func TestAuthentication(t *testing.T) {
	tests := []struct {
		name    string
		prep    func(f *githubfake.Fake)
		req     req
		want    int
		message string
	}{
		{name: "Bearer", req: req{path: "/user", token: "ghp_owner"}, want: 200},
		{name: "token scheme", req: req{path: "/user", header: map[string]string{"Authorization": "token ghp_owner"}}, want: 200},
		{name: "unknown token", req: req{path: "/orgs/acme/members", token: "ghp_unknown"}, want: 401, message: "Bad credentials"},
		{name: "unknown scheme", req: req{path: "/user", header: map[string]string{"Authorization": "Basic b2N0b2NhdDpwdw=="}}, want: 401, message: "Bad credentials"},
		{name: "no credentials", req: req{path: "/orgs/acme/members"}, want: 401, message: "Requires authentication"},
		{name: "revoked token", prep: func(f *githubfake.Fake) { f.RevokeToken("ghp_owner") }, req: req{path: "/user", token: "ghp_owner"}, want: 401, message: "Bad credentials"},
		{name: "JWT must use Bearer", req: req{path: "/orgs/acme/installation", header: map[string]string{"Authorization": "token JWT"}}, want: 401},
		{name: "JWT on a user endpoint", req: req{path: "/orgs/acme/members", token: "jwt:4242"}, want: 403, message: "Resource not accessible by integration"},
		{name: "JWT on a public endpoint", req: req{path: "/orgs/acme", token: "jwt:4242"}, want: 403, message: "Resource not accessible by integration"},
		{name: "JWT on an app endpoint", req: req{path: "/orgs/acme/installation", token: "jwt:4242"}, want: 200},
		{name: "user token on an app endpoint", req: req{path: "/orgs/acme/installation", token: "ghp_owner"}, want: 401, message: "A JSON web token could not be decoded"},
		{name: "no credentials on a public endpoint", req: req{path: "/orgs/acme"}, want: 200},
		{name: "no User-Agent", req: req{path: "/user", token: "ghp_owner", header: map[string]string{"User-Agent": ""}}, want: 403},
		{name: "unsupported API version", req: req{path: "/user", token: "ghp_owner", header: map[string]string{"X-GitHub-Api-Version": "2020-01-01"}}, want: 400,
			message: "Unsupported 'X-GitHub-Api-Version' header: 2020-01-01. The supported versions are: 2022-11-28."},
		{name: "API version may be omitted", req: req{path: "/user", token: "ghp_owner", header: map[string]string{"X-GitHub-Api-Version": ""}}, want: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := seed(t, githubfake.Options{})
			if tc.prep != nil {
				tc.prep(f)
			}
			r := tc.req
			if strings.HasPrefix(r.header["Authorization"], "token JWT") {
				r.header["Authorization"] = "token " + appJWT(t, f, "4242")
			}
			res := do(t, f, r)
			is.Equal(res.status, tc.want)
			if tc.message != "" {
				is.Equal(res.object(t)["message"], tc.message)
			}
		})
	}
}

// GitHub answers 404 for unknown paths and unsupported methods alike, after
// the checks every request gets. The fake is not wrapped in the validator,
// which would take these requests for contract violations.
func TestUnknownRoutes(t *testing.T) {
	f := githubfake.New(githubfake.Options{})
	t.Cleanup(f.Close)
	f.AddOrg("acme")
	f.AddMember("acme", "octocat", "admin")
	f.AddToken("ghp_owner", "octocat", "admin:org")
	tests := []struct {
		name    string
		req     req
		want    int
		message string
	}{
		{name: "unknown path", req: req{path: "/nowhere", token: "ghp_owner"}, want: 404, message: "Not Found"},
		{name: "unsupported method", req: req{method: "PATCH", path: "/orgs/acme/members", token: "ghp_owner"}, want: 404, message: "Not Found"},
		{name: "unknown path, anonymous", req: req{path: "/nowhere"}, want: 404, message: "Not Found"},
		{name: "unknown path, bad token", req: req{path: "/nowhere", token: "ghp_unknown"}, want: 401, message: "Bad credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			res := do(t, f, tc.req)
			is.Equal(res.status, tc.want)
			is.Equal(res.object(t)["message"], tc.message)
			is.Equal(res.object(t)["documentation_url"], "https://docs.github.com/rest")
			is.True(res.header.Get("X-RateLimit-Remaining") != "") // rate-limit headers as on every answer
		})
	}
}

func TestRequireAPIVersion(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{RequireAPIVersion: true})
	is.Equal(do(t, f, req{path: "/user", token: "ghp_owner", header: map[string]string{"X-GitHub-Api-Version": ""}}).status, 400)
	res := do(t, f, req{path: "/user", token: "ghp_owner"})
	is.Equal(res.status, 200)
	is.Equal(res.header.Get("X-GitHub-Api-Version-Selected"), githubfake.APIVersion)
	// the call log lets tests assert what the client sent
	calls := f.Calls()
	last := calls[len(calls)-1]
	is.Equal(last.Method, "GET")
	is.Equal(last.Path, "/user")
	is.Equal(last.Header.Get("X-GitHub-Api-Version"), githubfake.APIVersion)
	is.Equal(last.Status, 200)
}

func TestScopesHeader(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	f.AddToken("github_pat_fine", "alice")
	is.Equal(do(t, f, req{path: "/user", token: "ghp_owner"}).header.Get("X-OAuth-Scopes"), "admin:org, repo")
	_, ok := do(t, f, req{path: "/user", token: "github_pat_fine"}).header["X-Oauth-Scopes"]
	is.True(!ok) // fine-grained tokens have no scopes header
}

func TestSAMLSSOEnforcement(t *testing.T) {
	f := seed(t, githubfake.Options{})
	f.SetSSOEnforced("acme", true)
	f.AddToken("github_pat_fine", "alice")
	f.AddToken("ghp_authorized", "alice", "read:org")
	f.AuthorizeSSO("ghp_authorized", "acme")
	inst := installationToken(t, f, nil)
	tests := []struct {
		name  string
		req   req
		want  int
		sso   bool
		isPAT bool
	}{
		{name: "classic PAT not authorized", req: req{path: "/orgs/acme/members", token: "ghp_alice"}, want: 403, sso: true, isPAT: true},
		{name: "repository endpoint too", req: req{path: "/repos/acme/www/teams", token: "ghp_alice"}, want: 403, sso: true, isPAT: true},
		{name: "writes too", req: req{method: "DELETE", path: "/orgs/acme/invitations/1", token: "ghp_owner"}, want: 403, sso: true, isPAT: true},
		{name: "authorized classic PAT", req: req{path: "/orgs/acme/members", token: "ghp_authorized"}, want: 200},
		{name: "fine-grained PAT", req: req{path: "/orgs/acme/members", token: "github_pat_fine"}, want: 200},
		{name: "installation token", req: req{path: "/orgs/acme/members", token: inst}, want: 200},
		{name: "other org unaffected", req: req{path: "/orgs/other/members", token: "ghp_alice"}, want: 200},
		{name: "GET /user unaffected", req: req{path: "/user", token: "ghp_alice"}, want: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			res := do(t, f, tc.req)
			is.Equal(res.status, tc.want)
			sso := res.header.Get("X-GitHub-SSO")
			is.Equal(sso != "", tc.sso)
			if tc.sso {
				is.True(strings.HasPrefix(sso, "required; url="+f.WebURL()+"/orgs/acme/sso?authorization_request="))
				is.Equal(res.object(t)["message"], "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.")
			}
		})
	}
}

func TestInstallationTokenScope(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	f.AddRepo("other", githubfake.Repo{Name: "x"})
	all := installationToken(t, f, nil)
	only := installationToken(t, f, map[string]any{"repositories": []string{"www"}})
	is.Equal(do(t, f, req{path: "/orgs/acme/members", token: all}).status, 200)
	is.Equal(do(t, f, req{path: "/orgs/other/members", token: all}).status, 404) // not installed there
	is.Equal(do(t, f, req{path: "/repos/acme/api/teams", token: all}).status, 200)
	is.Equal(do(t, f, req{path: "/repos/acme/api/teams", token: only}).status, 404) // outside the selection
	is.Equal(do(t, f, req{path: "/repos/acme/www/teams", token: only}).status, 200)
	res := do(t, f, req{path: "/orgs/acme/repos", token: only})
	is.Equal(len(res.array(t)), 1)
	// tokens expire after an hour
	f.Advance(time.Hour)
	is.Equal(do(t, f, req{path: "/orgs/acme/members", token: all}).status, 401)
}

// recordingTB captures Errorf calls so a test can assert that the validating
// wrapper reports a drifting handler.
type recordingTB struct {
	testing.TB
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

// corrupting breaks the X-RateLimit-Limit header on its way out.
type corrupting struct{ http.ResponseWriter }

func (c corrupting) WriteHeader(code int) {
	c.Header().Set("X-RateLimit-Limit", "lots")
	c.ResponseWriter.WriteHeader(code)
}

func (c corrupting) Write(b []byte) (int, error) {
	c.Header().Set("X-RateLimit-Limit", "lots")
	return c.ResponseWriter.Write(b)
}

func TestValidatingReportsDrift(t *testing.T) {
	is := is.New(t)
	rec := &recordingTB{TB: t}
	drifting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"login":"acme"}`)) // organization-full needs far more
	})
	srv := httptest.NewServer(githubfake.Validating(rec, drifting))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/orgs/acme")
	is.NoErr(err)
	res.Body.Close()
	is.Equal(res.StatusCode, 200) // the response passes through unchanged
	is.True(len(rec.errs) > 0)    // but the drift is reported

	// The same through NewForTest with a middleware that corrupts the fake.
	rec = &recordingTB{TB: t}
	f := githubfake.NewForTest(rec, githubfake.Options{Middleware: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(corrupting{w}, r)
		})
	}})
	f.AddOrg("acme")
	f.AddToken("t", "octocat")
	do(t, f, req{path: "/orgs/acme", token: "t"})
	is.True(len(rec.errs) > 0) // X-RateLimit-Limit must be an integer
}
