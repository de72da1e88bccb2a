package github

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// The tests run the connector through Integration().Dispatch against
// githubfake on loopback, with the fake's validating wrapper on (every
// request and response checked against GitHub's OpenAPI description).
//
// The harness sits in front of the validator only to inject transport
// faults (502s), as GitHub's edge would; every other answer, including the
// account lookups GET /user/{account_id} and GET /users/{username}, comes
// from the validating fake.

const (
	org        = "acme"
	ownerToken = "ghp_owner0000000000000000000000000000"
	ownerLogin = "boss"
)

var clockStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type envOptions struct {
	prefix    string // e.g. "/api/v3" (Enterprise Server)
	linkByID  bool   // Link URLs in GitHub's /organizations/{id}/… form
	rateLimit int    // primary limit per hour (default the fake's 5000)
	maxWait   time.Duration
}

type env struct {
	t    *testing.T
	f    *githubfake.Fake
	srv  *httptest.Server
	base string // REST base URL

	mu       sync.Mutex
	requests int // every request received, injected faults included
	inject   func(n int, r *http.Request) int
	sleeps   []time.Duration
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{t: t}
	style := githubfake.LinkSamePath
	if o.linkByID {
		style = githubfake.LinkByID
	}
	e.f = githubfake.New(githubfake.Options{NoServer: true, PathPrefix: o.prefix, Now: func() time.Time { return clockStart },
		RequireAPIVersion: true, LinkStyle: style, RateLimit: o.rateLimit})
	validated := githubfake.Validating(t, e.f)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve(w, r, validated) }))
	t.Cleanup(e.srv.Close)
	e.base = e.srv.URL + o.prefix

	prevOpts, prevNow := httpOptions, now
	httpOptions = func(h *httpclient.Options) {
		h.Now = e.f.Now
		h.Sleep = e.sleep
		if o.maxWait != 0 {
			h.MaxRateLimitWait = o.maxWait
		}
	}
	now = e.f.Now
	t.Cleanup(func() { httpOptions, now = prevOpts, prevNow })
	t.Setenv(httpclient.EnvMaxRateLimitWait, "")

	e.f.AddOrg(org)
	e.member(ownerLogin, "admin")
	e.f.AddToken(ownerToken, ownerLogin, "admin:org", "repo")
	return e
}

// sleep is the clients' sleep: it records the wait and moves the fake's
// clock instead of waiting.
func (e *env) sleep(ctx context.Context, d time.Duration) error {
	e.mu.Lock()
	e.sleeps = append(e.sleeps, d)
	e.mu.Unlock()
	e.f.Advance(d)
	return ctx.Err()
}

// serve injects the configured faults and hands everything else to the
// validating fake.
func (e *env) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	e.mu.Lock()
	e.requests++
	n, inject := e.requests, e.inject
	e.mu.Unlock()
	if inject != nil {
		if st := inject(n, r); st != 0 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(st)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", st, http.StatusText(st))
			return
		}
	}
	next.ServeHTTP(w, r)
}

// ---- seeding --------------------------------------------------------------------------

// track returns login's account id (its GitHub user id).
func (e *env) track(login string) int64 {
	id := e.f.UserID(login)
	if id == 0 {
		e.t.Fatalf("unknown login %q", login)
	}
	return id
}

func (e *env) member(login, role string) int64 {
	e.f.AddMember(org, login, role)
	return e.track(login)
}

func (e *env) user(login string) int64 {
	e.f.AddUser(githubfake.User{Login: login})
	return e.track(login)
}

func (e *env) outside(login, repo, perm string) int64 {
	e.f.AddCollaborator(org, repo, login, perm)
	return e.track(login)
}

func (e *env) rename(oldLogin, newLogin string) {
	e.f.RenameUser(oldLogin, newLogin)
}

func (e *env) requestCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests
}

func (e *env) resetCounts() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests = 0
	e.sleeps = nil
	e.f.ResetCalls()
}

func (e *env) setInject(f func(n int, r *http.Request) int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.inject = f
}

// ---- calls --------------------------------------------------------------------------

// call is one request document's parts; zero fields take the defaults
// (the owner's token, org acme on the fake).
type call struct {
	creds    any // the credentials list; nil: the owner's token
	settings map[string]any
	page     *toolkit.Page
	raw      bool
}

type envelope struct {
	Response         json.RawMessage           `json:"response"`
	RawData          json.RawMessage           `json:"raw_data"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            toolkit.Error             `json:"error"`
}

func tokenCreds(tok string) any {
	return []any{map[string]any{"id": CredentialToken, "token": map[string]any{"token": tok}}}
}

func (e *env) settings(extra map[string]any) map[string]any {
	s := map[string]any{"org": org, "base_url": e.base}
	for k, v := range extra {
		s[k] = v
	}
	return s
}

// dispatch runs a capability through the whole pipeline.
func (e *env) dispatch(capName string, request any, c call) envelope {
	e.t.Helper()
	if c.creds == nil {
		c.creds = tokenCreds(ownerToken)
	}
	doc := map[string]any{"credentials": c.creds, "request": request, "settings": e.settings(c.settings), "include_raw_data": c.raw}
	if c.page != nil {
		doc["page"] = c.page
	}
	body, err := json.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	out := Integration().Dispatch(toolkit.WithLogger(context.Background(), quiet), capName, body)
	var env envelope
	if err := json.Unmarshal(out, &env); err != nil {
		e.t.Fatalf("%s: undecodable answer %s: %v", capName, out, err)
	}
	return env
}

// ok dispatches and fails the test on an error envelope.
func (e *env) ok(capName string, request any, c call) envelope {
	e.t.Helper()
	env := e.dispatch(capName, request, c)
	if env.IsError {
		e.t.Fatalf("%s: unexpected error %s: %s", capName, env.Error.ErrorCode, env.Error.Message)
	}
	return env
}

// fail dispatches and checks the error code and that the message contains want.
func (e *env) fail(capName string, request any, c call, code string, want ...string) toolkit.Error {
	e.t.Helper()
	env := e.dispatch(capName, request, c)
	if !env.IsError {
		e.t.Fatalf("%s: want error %s, got %s", capName, code, env.Response)
	}
	if string(env.Error.ErrorCode) != code {
		e.t.Fatalf("%s: error code %s, want %s (message %q)", capName, env.Error.ErrorCode, code, env.Error.Message)
	}
	for _, w := range want {
		if !strings.Contains(env.Error.Message, w) {
			e.t.Fatalf("%s: message %q lacks %q", capName, env.Error.Message, w)
		}
	}
	return env.Error
}

func decode[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return v
}

// drain lists a paged capability to the end and returns every item.
func drain[T any](e *env, capName string, request any, c call, size int) (items []T, calls int) {
	e.t.Helper()
	if c.page == nil {
		c.page = &toolkit.Page{Size: size}
	}
	for {
		env := e.ok(capName, request, c)
		calls++
		items = append(items, decode[[]T](e.t, env.Response)...)
		if env.Page == nil {
			return items, calls
		}
		if calls > 100000 {
			e.t.Fatal("listing does not end")
		}
		c.page = env.Page
	}
}

func effectOf(t *testing.T, env envelope) toolkit.EffectKind {
	t.Helper()
	if env.ExecutionSummary == nil {
		t.Fatalf("no execution summary in %s", env.Response)
	}
	return env.ExecutionSummary.Effect.Kind
}

// quiet drops the connector's error log records (the tests check the envelopes).
var quiet = slog.New(slog.DiscardHandler)

func newIs(t *testing.T) *is.I { return is.New(t) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// get reads the fake's state through its REST API as the owner (validated
// like every other request); it returns the status.
func (e *env) get(path string, out any) int {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ownerToken)
	req.Header.Set("X-GitHub-Api-Version", APIVersion)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// repoRole is login's role_name on a repository ("none" without access).
func (e *env) repoRole(repo, login string) string {
	var p struct {
		RoleName string `json:"role_name"`
	}
	if st := e.get("/repos/"+org+"/"+repo+"/collaborators/"+login+"/permission", &p); st != http.StatusOK {
		e.t.Fatalf("permission of %s on %s: %d", login, repo, st)
	}
	return p.RoleName
}

// teamRole is login's team membership ("role/state"), or "" without one.
func (e *env) teamRole(slug, login string) string {
	var m struct{ Role, State string }
	if st := e.get("/orgs/"+org+"/teams/"+slug+"/memberships/"+login, &m); st != http.StatusOK {
		return ""
	}
	return m.Role + "/" + m.State
}

// invitations are the pending organization invitations.
func (e *env) invitations() []invitation {
	var ins []invitation
	e.get("/orgs/"+org+"/invitations?per_page=100", &ins)
	return ins
}
