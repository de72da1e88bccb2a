package githubfake_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

const appID = 4242

var (
	keyOnce sync.Once
	appKey  *rsa.PrivateKey
)

// testKey is one RSA key per test process (generation is the slow part).
func testKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		appKey = k
	})
	return appKey
}

// seed builds the standard fixture behind the validating wrapper:
//
//	org acme: octocat (owner), alice, bob (members), bill (billing manager);
//	teams engineering (maintainer alice) > backend (member bob);
//	repos api (private; engineering: push; carol: triage as outside
//	collaborator) and www (public); app 4242 installed on acme;
//	outsiders carol (carol@example.com) and dave; org "other".
func seed(t *testing.T, opts githubfake.Options) *githubfake.Fake {
	t.Helper()
	f := githubfake.NewForTest(t, opts)
	f.AddOrg("acme")
	f.AddOrg("other")
	f.AddMember("acme", "octocat", "admin")
	f.AddMember("acme", "alice", "member")
	f.AddMember("acme", "bob", "member")
	f.AddMember("acme", "bill", "billing_manager")
	f.AddUser(githubfake.User{Login: "carol", Email: "carol@example.com"})
	f.AddUser(githubfake.User{Login: "dave"})
	f.AddTeam("acme", "Engineering", "")
	f.AddTeam("acme", "Backend", "engineering")
	f.AddTeamMember("acme", "engineering", "alice", "maintainer")
	f.AddTeamMember("acme", "backend", "bob", "member")
	f.AddRepo("acme", githubfake.Repo{Name: "api", Private: true, Description: "The API"})
	f.AddRepo("acme", githubfake.Repo{Name: "www"})
	f.AddTeamRepo("acme", "engineering", "api", "push")
	f.AddCollaborator("acme", "api", "carol", "triage")
	f.AddToken("ghp_owner", "octocat", "admin:org", "repo")
	f.AddToken("ghp_alice", "alice", "read:org")
	f.AddToken("ghp_carol", "carol", "repo")
	f.AddApp(githubfake.App{ID: appID, Slug: "lumos-test", ClientID: "Iv1.lumos", PublicKey: &testKey(t).PublicKey})
	f.AddInstallation(appID, "acme", map[string]string{"members": "write", "administration": "write", "metadata": "read"})
	return f
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return v
}

func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("body is not an object: %s", r.body)
	}
	return m
}

func (r response) array(t *testing.T) []any {
	t.Helper()
	a, ok := r.json(t).([]any)
	if !ok {
		t.Fatalf("body is not an array: %s", r.body)
	}
	return a
}

func (r response) logins(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, x := range r.array(t) {
		out = append(out, x.(map[string]any)["login"].(string))
	}
	return out
}

// req is one REST call; zero fields get GitHub-like defaults.
type req struct {
	method string
	path   string // relative to f.URL()
	token  string // "" for none; "jwt:<iss>" signs an app JWT
	body   any    // nil, string (raw) or a value to marshal
	header map[string]string
}

func do(t *testing.T, f *githubfake.Fake, r req) response {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	hr, err := http.NewRequest(r.method, f.URL()+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("User-Agent", "lumos-githubfake-test")
	hr.Header.Set("Accept", "application/vnd.github+json")
	hr.Header.Set("X-GitHub-Api-Version", githubfake.APIVersion)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	switch {
	case strings.HasPrefix(r.token, "jwt:"):
		hr.Header.Set("Authorization", "Bearer "+appJWT(t, f, strings.TrimPrefix(r.token, "jwt:")))
	case r.token != "":
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		if k == "User-Agent" && v == "" {
			hr.Header["User-Agent"] = []string{""} // net/http then sends none
		} else if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// appJWT signs a valid JWT for iss (the ghinstallation recipe: iat 30 s ago,
// exp 2 minutes later).
func appJWT(t *testing.T, f *githubfake.Fake, iss string) string {
	t.Helper()
	now := f.Now()
	tok, err := githubfake.AppJWT(testKey(t), iss, now.Add(-30*time.Second), now.Add(90*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// installationToken mints an installation token for acme's installation.
func installationToken(t *testing.T, f *githubfake.Fake, body any) string {
	t.Helper()
	is := is.New(t)
	res := do(t, f, req{method: "GET", path: "/orgs/acme/installation", token: "jwt:4242"})
	is.Equal(res.status, 200)
	id := int64(res.object(t)["id"].(float64))
	res = do(t, f, req{method: "POST", path: "/app/installations/" + itoa(id) + "/access_tokens", token: "jwt:4242", body: body})
	is.Equal(res.status, 201)
	return res.object(t)["token"].(string)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
