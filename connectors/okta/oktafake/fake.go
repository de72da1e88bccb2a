// Package oktafake is a stateful, in-process fake of the slice of Okta's
// management API the Okta connector uses: the org, users and their
// lifecycle, groups and memberships, applications and their users, admin
// role assignments (standard and CUSTOM), custom admin roles, resource sets
// and their bindings, and the org authorization server's token endpoint for
// service apps (client credentials with a private-key JWT client
// assertion).
//
// Lists are paged as Okta documents it: limit (at most 200) and an opaque
// after cursor, the next page named by a Link header (rel="next") that
// repeats the request's other query parameters. Every answer carries Okta's
// X-Rate-Limit-Limit/-Remaining/-Reset headers; 429s can be injected, both
// per-endpoint limits (Remaining 0, a Reset in the future) and concurrency
// limits (Remaining above 0). Errors are Okta's error bodies (errorCode,
// errorSummary, errorCauses).
//
// The fake cannot drift silently from Okta's contract: NewForTest wraps it
// with a validator that checks every request and response of the management
// API against Okta's official OpenAPI description, trimmed to the operations
// used (testdata/okta/management.trimmed.json, made by testdata/okta/trim.go).
package oktafake

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// MaxLimit is Okta's largest page for the listings the fake serves.
const MaxLimit = 200

// User is one Okta user of the fake.
type User struct {
	ID        string            // 00u…; made up when empty
	Status    string            // STAGED, PROVISIONED, ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT, SUSPENDED, DEPROVISIONED
	Login     string            // profile.login; <id>@example.com when empty
	Email     string            // profile.email; the login when empty
	FirstName string            // profile.firstName
	LastName  string            // profile.lastName
	Extra     map[string]string // more profile fields (title, department, …)
	LastLogin time.Time         // zero: never signed in
	Created   time.Time         // zero: a fixed date in 2024
}

// Group is one Okta group of the fake.
type Group struct {
	ID          string // 00g…; made up when empty
	Name        string // profile.name
	Description string // profile.description
	Type        string // OKTA_GROUP (default), APP_GROUP, BUILT_IN
}

// App is one Okta application of the fake.
type App struct {
	ID    string // 0oa…; made up when empty
	Name  string // a short name, used in the app's URL
	Label string // the name shown to people
}

// Role is one admin role assignment.
type Role struct {
	ID             string // the assignment's id
	Type           string // SUPER_ADMIN, ORG_ADMIN, …, or CUSTOM
	AssignmentType string // USER or GROUP
	CustomRole     string // with CUSTOM: the custom role's id (cr0…)
	ResourceSet    string // with CUSTOM: the resource set's id (iam…)
}

// Fake is the fake Okta org. Its methods are safe for concurrent use.
type Fake struct {
	srv *httptest.Server
	// OrgID is the org's id, answered by GET /api/v1/org.
	OrgID string

	mu       sync.Mutex
	seq      int
	seqOf    map[string]int // every id ever made → its creation sequence (cursors)
	users    map[string]*User
	groups   map[string]*Group
	members  map[string]map[string]bool // group id → user ids
	apps     map[string]*App
	appUsers map[string]map[string]bool // app id → user ids
	roles    map[string][]Role          // user id → role assignments
	iamRoles map[string]*CustomRole     // custom role id → role
	sets     map[string]*ResourceSet    // resource set id → resource set
	bindings map[string]map[string]bool // resource set id → ids of the custom roles bound to it
	iamPage  int                        // page size of the iam listings
	tokens   map[string]tokenInfo       // SSWS token → rights
	bearers  map[string][]string        // minted access token → scopes
	clients  map[string]client          // service app client id → key and scopes
	jtis     map[string]bool
	dpop     dpopState // DPoP apps, bound tokens, nonces and proof jtis (dpop.go)

	order    []string // user ids in creation order; nil when it must be rebuilt
	record   bool
	recorded []string // request URIs of the management API, while record is set

	requests atomic.Int64
	byRoute  sync.Map // "METHOD /template" → *atomic.Int64

	// Faults, set with the methods below.
	rateEvery, concEvery atomic.Int64
	listCount            atomic.Int64
}

type tokenInfo struct{ readOnly bool }

type client struct {
	key    *rsa.PublicKey
	kid    string
	scopes []string
}

// New starts a fake on a loopback port (not validated: see NewForTest).
func New() *Fake {
	f := newFake()
	f.srv = httptest.NewServer(f)
	return f
}

// NewForTest starts a fake whose every management API exchange is checked
// against Okta's trimmed description, each violation failing tb; it is
// stopped when tb ends.
func NewForTest(tb testing.TB) *Fake {
	tb.Helper()
	f := newFake()
	v, err := LoadValidator()
	if err != nil {
		tb.Fatal(err)
	}
	f.srv = httptest.NewServer(v.Handler(f, func(viol Violation) { tb.Errorf("oktafake: contract violation: %v", viol) }))
	tb.Cleanup(f.Close)
	return f
}

func newFake() *Fake {
	return &Fake{OrgID: "00o1fakeorg0000000", seqOf: map[string]int{}, users: map[string]*User{}, groups: map[string]*Group{},
		members: map[string]map[string]bool{}, apps: map[string]*App{}, appUsers: map[string]map[string]bool{},
		roles: map[string][]Role{}, iamRoles: map[string]*CustomRole{}, sets: map[string]*ResourceSet{}, bindings: map[string]map[string]bool{},
		iamPage: DefaultIAMPage, tokens: map[string]tokenInfo{}, bearers: map[string][]string{}, clients: map[string]client{}, jtis: map[string]bool{}}
}

// URL is the org's base URL (http://127.0.0.1:port).
func (f *Fake) URL() string { return f.srv.URL }

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// AddToken accepts an API token (SSWS) with full rights.
func (f *Fake) AddToken(token string) { f.mu.Lock(); f.tokens[token] = tokenInfo{}; f.mu.Unlock() }

// AddReadOnlyToken accepts an API token whose writes are refused (403
// E0000006), as a read-only admin's.
func (f *Fake) AddReadOnlyToken(token string) {
	f.mu.Lock()
	f.tokens[token] = tokenInfo{readOnly: true}
	f.mu.Unlock()
}

// AddServiceApp registers a service app: its client id, the public key of
// its client assertions (kid optional) and the scopes granted to it.
func (f *Fake) AddServiceApp(clientID string, key *rsa.PublicKey, kid string, scopes ...string) {
	f.mu.Lock()
	f.clients[clientID] = client{key: key, kid: kid, scopes: scopes}
	f.mu.Unlock()
}

// MintedTokens are the access tokens the token endpoint issued.
func (f *Fake) MintedTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for t := range f.bearers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// newID makes an Okta-looking id with prefix (00u, 00g, 0oa, ra1, cr0, iam).
func (f *Fake) newID(prefix string) string {
	f.seq++
	id := fmt.Sprintf("%s%017d", prefix, f.seq)
	f.seqOf[id] = f.seq
	return id
}

// AddUser adds a user (status ACTIVE when empty) and returns its id.
func (f *Fake) AddUser(u User) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addUser(u)
}

func (f *Fake) addUser(u User) string {
	if u.ID == "" {
		u.ID = f.newID("00u")
	} else if _, ok := f.seqOf[u.ID]; !ok {
		f.seq++
		f.seqOf[u.ID] = f.seq
	}
	if u.Status == "" {
		u.Status = "ACTIVE"
	}
	if u.Login == "" {
		u.Login = u.ID + "@example.com"
	}
	if u.Email == "" {
		u.Email = u.Login
	}
	if u.Created.IsZero() {
		u.Created = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	f.users[u.ID] = &u
	f.order = nil
	return u.ID
}

// AddUsers adds n active users named user<i>@example.com and returns their ids.
func (f *Fake) AddUsers(n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, n)
	for i := range ids {
		login := fmt.Sprintf("user%d@example.com", f.seq+1)
		ids[i] = f.addUser(User{Login: login, FirstName: "First", LastName: fmt.Sprintf("Last%d", f.seq+1)})
	}
	return ids
}

// AddGroup adds a group (type OKTA_GROUP when empty) and returns its id.
func (f *Fake) AddGroup(g Group) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g.ID == "" {
		g.ID = f.newID("00g")
	}
	if g.Type == "" {
		g.Type = "OKTA_GROUP"
	}
	f.groups[g.ID] = &g
	f.members[g.ID] = map[string]bool{}
	return g.ID
}

// AddMember makes the user a member of the group.
func (f *Fake) AddMember(groupID, userID string) {
	f.mu.Lock()
	f.members[groupID][userID] = true
	f.mu.Unlock()
}

// AddApp adds an application and returns its id.
func (f *Fake) AddApp(a App) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a.ID == "" {
		a.ID = f.newID("0oa")
	}
	f.apps[a.ID] = &a
	f.appUsers[a.ID] = map[string]bool{}
	return a.ID
}

// AssignApp assigns the application to the user.
func (f *Fake) AssignApp(appID, userID string) {
	f.mu.Lock()
	f.appUsers[appID][userID] = true
	f.mu.Unlock()
}

// AddRole assigns an admin role to the user (assignmentType USER, or
// GROUP when viaGroup) and returns the assignment id.
func (f *Fake) AddRole(userID, roleType string, viaGroup bool) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addRole(userID, roleType, viaGroup)
}

func (f *Fake) addRole(userID, roleType string, viaGroup bool) string {
	r := Role{ID: f.newID("ra1"), Type: roleType, AssignmentType: "USER"}
	if viaGroup {
		r.AssignmentType = "GROUP"
	}
	f.roles[userID] = append(f.roles[userID], r)
	return r.ID
}

// User returns a copy of a user, or false when there is none.
func (f *Fake) User(id string) (User, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// UserIDs are the ids of all users, in creation order.
func (f *Fake) UserIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sortedUsers(func(*User) bool { return true })
}

// Members are the user ids of a group's members, sorted.
func (f *Fake) Members(groupID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for id := range f.members[groupID] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Roles are the role types the user holds, in assignment order.
func (f *Fake) Roles(userID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.roles[userID] {
		out = append(out, r.Type)
	}
	return out
}

// ThrottleEvery answers every n-th list request (GET of a listing) with a
// 429: per-endpoint limits (X-Rate-Limit-Remaining 0 and a Reset one second
// ahead) when concurrency is false, else Okta's concurrency limit (a 429
// whose Remaining is above 0). 0 turns it off.
func (f *Fake) ThrottleEvery(n int, concurrency bool) {
	if concurrency {
		f.concEvery.Store(int64(n))
	} else {
		f.rateEvery.Store(int64(n))
	}
}

// Requests is how many requests the fake answered.
func (f *Fake) Requests() int64 { return f.requests.Load() }

// RouteRequests is how many requests a route ("GET /api/v1/users") answered.
func (f *Fake) RouteRequests(route string) int64 {
	if v, ok := f.byRoute.Load(route); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

func (f *Fake) count(route string) {
	v, _ := f.byRoute.LoadOrStore(route, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// sortedUsers are the ids of the users keep accepts, in creation order.
func (f *Fake) sortedUsers(keep func(*User) bool) []string {
	if f.order == nil {
		f.order = make([]string, 0, len(f.users))
		for id := range f.users {
			f.order = append(f.order, id)
		}
		f.bySeq(f.order)
	}
	out := make([]string, 0, len(f.order))
	for _, id := range f.order {
		if keep(f.users[id]) {
			out = append(out, id)
		}
	}
	return out
}

// Record starts (on) or stops recording the request URIs (path and query)
// of the management API, and returns and forgets what was recorded.
func (f *Fake) Record(on bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.recorded
	f.record, f.recorded = on, nil
	return out
}

func (f *Fake) bySeq(ids []string) {
	sort.Slice(ids, func(i, j int) bool { return f.seqOf[ids[i]] < f.seqOf[ids[j]] })
}

// authz is who is calling: an SSWS token or a bearer token's scopes.
type authz struct {
	ok       bool
	readOnly bool
	scopes   []string // nil for SSWS
	bearer   bool
	refuse   func(http.ResponseWriter) // a DPoP refusal to answer instead (dpop.go)
}

func (f *Fake) authorize(r *http.Request) authz {
	h := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(h, "DPoP "); ok {
		return f.apiAuthz(r, t)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := strings.CutPrefix(h, "SSWS "); ok {
		info, found := f.tokens[t]
		return authz{ok: found, readOnly: info.readOnly}
	}
	if t, ok := strings.CutPrefix(h, "Bearer "); ok {
		scopes, found := f.bearers[t]
		_, bound := f.dpop.binding(t) // a DPoP-bound token is no bearer token
		return authz{ok: found && !bound, scopes: scopes, bearer: true}
	}
	return authz{}
}

// allows reports whether the caller may make a request needing scope
// (okta.<x>.read or okta.<x>.manage; manage implies read).
func (a authz) allows(scope string, write bool) bool {
	if !a.bearer {
		return !(write && a.readOnly)
	}
	for _, s := range a.scopes {
		if s == scope || (strings.HasSuffix(scope, ".read") && s == strings.TrimSuffix(scope, ".read")+".manage") {
			return true
		}
	}
	return false
}
