package githubfake

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// APIVersion is the REST API version the fake implements and accepts in the
// X-GitHub-Api-Version request header.
const APIVersion = "2022-11-28"

// LinkStyle selects how Link header URLs are written.
type LinkStyle int

const (
	// LinkSamePath repeats the request path (/orgs/acme/members?page=2).
	LinkSamePath LinkStyle = iota
	// LinkByID rewrites the path the way GitHub often does, to
	// /organizations/{id}/... or /repositories/{id}/..., so clients that
	// rebuild URLs instead of following them verbatim break in tests. The fake
	// serves those paths too.
	LinkByID
)

// Options configure a Fake. The zero value is usable.
type Options struct {
	// NoServer skips starting the loopback httptest.Server; use the Fake as an
	// http.Handler instead.
	NoServer bool
	// Middleware wraps the fake's handler in the server (e.g. Validating).
	Middleware func(http.Handler) http.Handler
	// PathPrefix serves the REST API under a prefix, e.g. "/api/v3" as on
	// GitHub Enterprise Server. OAuth endpoints stay at /login/oauth/....
	PathPrefix string
	// Now is the clock (default time.Now); Advance adds to it.
	Now func() time.Time
	// RateLimit is the primary limit per hour for users and installations
	// (default 5000); unauthenticated requests get 60 per hour per IP.
	RateLimit int
	// RequireAPIVersion answers 400 when X-GitHub-Api-Version is missing
	// (GitHub defaults to 2022-11-28; this is stricter, to check clients send it).
	RequireAPIVersion bool
	// LinkStyle selects the Link header URL form.
	LinkStyle LinkStyle
}

// Fake is a stateful GitHub fake. It is an http.Handler; unless
// Options.NoServer is set, New also serves it on a loopback httptest.Server.
// All methods are safe for concurrent use.
type Fake struct {
	opts   Options
	server *httptest.Server

	mu       sync.Mutex
	offset   time.Duration
	nextID   map[string]int64
	users    map[int64]*user // users and organizations (GitHub shares the id space)
	logins   map[string]int64
	orgs     map[int64]*org
	tokens   map[string]*token
	apps     map[int64]*app
	installs map[int64]*installation
	oauth    map[string]*oauthApp
	codes    map[string]*oauthCode
	refresh  map[string]*token // refresh token -> access token it belongs to
	buckets  map[string]*bucket
	primary  int // forced primary rate-limit status (0: off)
	second   *SecondaryRateLimit
	calls    []Call
	seq      int64
}

// Call is one request the fake received.
type Call struct {
	Method string
	Path   string // as received, including any PathPrefix
	Query  url.Values
	Header http.Header
	Body   []byte
	Status int
}

// SecondaryRateLimit describes a switched-on secondary rate limit.
type SecondaryRateLimit struct {
	Status     int           // 403 (default) or 429
	RetryAfter time.Duration // sent as Retry-After seconds when > 0
	Requests   int           // how many requests to reject; 0: until switched off
	// ContentCreation uses the "temporarily blocked from content creation"
	// message (GitHub's variant for too many writes).
	ContentCreation bool
}

type user struct {
	id        int64
	login     string
	name      string
	email     string
	typ       string // User, Bot, Organization
	siteAdmin bool
	twoFactor string // enabled, disabled, insecure
	created   time.Time
}

type org struct {
	id          int64
	name        string
	description string
	created     time.Time
	sso         bool
	base        string           // default repository permission: read, write, admin, none
	members     map[int64]string // user id -> admin, member, billing_manager
	invites     map[int64]*invitation
	failed      []*invitation
	teams       map[int64]*team
	repos       map[int64]*repo
	roles       map[int64]*orgRole
	repoRoles   map[string]string // custom repository role name -> base permission
}

type invitation struct {
	id      int64
	userID  int64 // 0 when invited by e-mail only
	email   string
	role    string // admin, direct_member, billing_manager, hiring_manager, reinstate
	inviter int64
	teams   []int64
	created time.Time
	failed  time.Time
	reason  string
	source  string
}

type team struct {
	id          int64
	name        string
	slug        string
	description string
	privacy     string
	parent      int64
	members     map[int64]string // user id -> member, maintainer (active)
	pending     map[int64]string // invited via team membership, not yet org members
	repos       map[int64]string // repo id -> permission
	sync        bool
	created     time.Time
}

type repo struct {
	id          int64
	name        string
	description string
	private     bool
	visibility  string
	archived    bool
	fork        bool
	created     time.Time
	collabs     map[int64]string // user id -> permission (direct grants)
	invites     map[int64]*repoInvite
}

type repoInvite struct {
	id      int64
	invitee int64
	inviter int64
	perm    string
	created time.Time
}

type orgRole struct {
	id          int64
	name        string
	description string
	base        string
	source      string
	permissions []string
	created     time.Time
	users       map[int64]bool
	teams       map[int64]bool
}

type app struct {
	id       int64
	slug     string
	clientID string
	key      *rsa.PublicKey
}

type installation struct {
	id        int64
	app       int64
	org       int64
	suspended time.Time
	perms     map[string]string
	created   time.Time
}

type tokenKind int

const (
	classicToken tokenKind = iota
	fineGrainedToken
	oauthToken
	appUserToken
	installationToken
)

type token struct {
	value      string
	kind       tokenKind
	user       int64
	inst       int64
	repos      []int64 // installation token limited to these repositories (nil: all)
	perms      map[string]string
	scopes     []string
	expires    time.Time
	sso        map[int64]bool
	revoked    bool
	refresh    string
	refreshExp time.Time
}

type oauthApp struct {
	OAuthApp
}

type oauthCode struct {
	client   string
	user     int64
	scopes   []string
	redirect string
	expires  time.Time
}

type bucket struct {
	limit int
	used  int
	reset time.Time
}

// New returns a Fake; unless opts.NoServer it is served on a loopback
// httptest.Server (see URL and Close).
func New(opts Options) *Fake {
	if opts.RateLimit <= 0 {
		opts.RateLimit = 5000
	}
	opts.PathPrefix = strings.TrimRight(opts.PathPrefix, "/")
	f := &Fake{
		opts:     opts,
		nextID:   map[string]int64{},
		users:    map[int64]*user{},
		logins:   map[string]int64{},
		orgs:     map[int64]*org{},
		tokens:   map[string]*token{},
		apps:     map[int64]*app{},
		installs: map[int64]*installation{},
		oauth:    map[string]*oauthApp{},
		codes:    map[string]*oauthCode{},
		refresh:  map[string]*token{},
		buckets:  map[string]*bucket{},
	}
	if !opts.NoServer {
		var h http.Handler = f
		if opts.Middleware != nil {
			h = opts.Middleware(h)
		}
		f.server = httptest.NewServer(h) // binds 127.0.0.1 (loopback)
	}
	return f
}

// NewForTest starts a Fake whose server validates every request and response
// against the trimmed OpenAPI description (see Validating) and closes it when
// the test ends. opts.Middleware, if set, wraps inside the validator.
func NewForTest(tb testing.TB, opts Options) *Fake {
	tb.Helper()
	var f *Fake
	inner := opts.Middleware
	opts.Middleware = func(h http.Handler) http.Handler {
		if inner != nil {
			h = inner(h)
		}
		return validating(tb, h, func(r *http.Request) (string, bool) { return f.APIPath(r) })
	}
	opts.NoServer = false
	f = New(opts)
	tb.Cleanup(f.Close)
	return f
}

// URL is the REST API base URL (server URL plus PathPrefix), e.g.
// http://127.0.0.1:41234 or http://127.0.0.1:41234/api/v3.
func (f *Fake) URL() string {
	if f.server == nil {
		return ""
	}
	return f.server.URL + f.opts.PathPrefix
}

// WebURL is the github.com-side base URL (OAuth endpoints).
func (f *Fake) WebURL() string {
	if f.server == nil {
		return ""
	}
	return f.server.URL
}

// Client is an *http.Client for the loopback server.
func (f *Fake) Client() *http.Client {
	if f.server == nil {
		return http.DefaultClient
	}
	return f.server.Client()
}

// Close stops the server (if any).
func (f *Fake) Close() {
	if f.server != nil {
		f.server.Close()
	}
}

// Now is the fake's clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now()
}

func (f *Fake) now() time.Time {
	var t time.Time
	if f.opts.Now != nil {
		t = f.opts.Now()
	} else {
		t = time.Now()
	}
	return t.Add(f.offset).UTC().Truncate(time.Second)
}

// Advance moves the fake's clock forward (rate-limit windows, token and code
// expiry, invitation expiry after 7 days).
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offset += d
}

func (f *Fake) id(kind string) int64 {
	bases := map[string]int64{"user": 1000, "team": 100, "repo": 20000, "invitation": 500, "repo-invitation": 700, "role": 8000, "installation": 3000}
	if f.nextID[kind] == 0 {
		f.nextID[kind] = bases[kind]
	}
	f.nextID[kind]++
	return f.nextID[kind]
}

// mustf panics: seed helpers are test set-up, misuse is a bug in the test.
func mustf(format string, args ...any) {
	panic("githubfake: " + fmt.Sprintf(format, args...))
}

// ---- users and organizations ------------------------------------------------

// User describes a GitHub account for AddUser.
type User struct {
	Login     string
	Name      string
	Email     string // used to match e-mail invitations; never listed
	Type      string // User (default) or Bot
	SiteAdmin bool
	// TwoFactor is "enabled" (default), "disabled" or "insecure"; it drives
	// the members filter=2fa_disabled / 2fa_insecure.
	TwoFactor string
}

// AddUser adds an account and returns its stable id; an existing login is
// updated in place.
func (f *Fake) AddUser(u User) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addUser(u)
}

func (f *Fake) addUser(u User) int64 {
	if u.Login == "" {
		mustf("AddUser: empty login")
	}
	if u.Type == "" {
		u.Type = "User"
	}
	if u.TwoFactor == "" {
		u.TwoFactor = "enabled"
	}
	if id, ok := f.logins[strings.ToLower(u.Login)]; ok {
		x := f.users[id]
		if x.typ == "Organization" {
			mustf("AddUser: %q is an organization", u.Login)
		}
		x.name, x.email, x.typ, x.siteAdmin, x.twoFactor = u.Name, u.Email, u.Type, u.SiteAdmin, u.TwoFactor
		return id
	}
	id := f.id("user")
	f.users[id] = &user{id: id, login: u.Login, name: u.Name, email: u.Email, typ: u.Type, siteAdmin: u.SiteAdmin, twoFactor: u.TwoFactor, created: f.now()}
	f.logins[strings.ToLower(u.Login)] = id
	return id
}

// ensureUser returns the id of login, creating a plain user if needed.
func (f *Fake) ensureUser(login string) int64 {
	if id, ok := f.logins[strings.ToLower(login)]; ok {
		return id
	}
	return f.addUser(User{Login: login})
}

func (f *Fake) userByLogin(login string) *user {
	id, ok := f.logins[strings.ToLower(login)]
	if !ok {
		return nil
	}
	return f.users[id]
}

// UserID returns the stable id of a login (0 if unknown).
func (f *Fake) UserID(login string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins[strings.ToLower(login)]
}

// RenameUser changes a user's (or organization's) login; the id and every
// membership, grant and token stay.
func (f *Fake) RenameUser(oldLogin, newLogin string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.logins[strings.ToLower(oldLogin)]
	if !ok {
		mustf("RenameUser: unknown login %q", oldLogin)
	}
	if other, ok := f.logins[strings.ToLower(newLogin)]; ok && other != id {
		mustf("RenameUser: login %q is taken", newLogin)
	}
	delete(f.logins, strings.ToLower(oldLogin))
	f.logins[strings.ToLower(newLogin)] = id
	f.users[id].login = newLogin
}

// AddOrg adds an organization (base repository permission "read", the
// predefined organization roles, no SSO) and returns its id.
func (f *Fake) AddOrg(login string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.logins[strings.ToLower(login)]; ok {
		mustf("AddOrg: login %q is taken", login)
	}
	id := f.id("user")
	now := f.now()
	f.users[id] = &user{id: id, login: login, typ: "Organization", created: now}
	f.logins[strings.ToLower(login)] = id
	o := &org{id: id, name: login, created: now, base: "read",
		members: map[int64]string{}, invites: map[int64]*invitation{}, teams: map[int64]*team{},
		repos: map[int64]*repo{}, roles: map[int64]*orgRole{}, repoRoles: map[string]string{}}
	f.orgs[id] = o
	// GitHub's predefined organization roles.
	for _, r := range []struct{ name, desc, base string }{
		{"all_repo_read", "Grants read access to all repositories in the organization.", "read"},
		{"all_repo_triage", "Grants triage access to all repositories in the organization.", "triage"},
		{"all_repo_write", "Grants write access to all repositories in the organization.", "write"},
		{"all_repo_maintain", "Grants maintenance access to all repositories in the organization.", "maintain"},
		{"all_repo_admin", "Grants admin access to all repositories in the organization.", "admin"},
		{"security_manager", "Manages security policies, security alerts, and security configurations for an organization and all its repositories.", ""},
	} {
		rid := f.id("role")
		o.roles[rid] = &orgRole{id: rid, name: r.name, description: r.desc, base: r.base, source: "Predefined", permissions: []string{}, created: now, users: map[int64]bool{}, teams: map[int64]bool{}}
	}
	return id
}

func (f *Fake) orgByLogin(login string) *org {
	u := f.userByLogin(login)
	if u == nil || u.typ != "Organization" {
		return nil
	}
	return f.orgs[u.id]
}

func (f *Fake) mustOrg(login string) *org {
	o := f.orgByLogin(login)
	if o == nil {
		mustf("unknown organization %q", login)
	}
	return o
}

// SetOrgProfile sets the organization's display name and description.
func (f *Fake) SetOrgProfile(orgLogin, name, description string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	o.name, o.description = name, description
}

// SetBaseRepoPermission sets the organization's base (default) repository
// permission for members: read, write, admin or none.
func (f *Fake) SetBaseRepoPermission(orgLogin, perm string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains([]string{"read", "write", "admin", "none"}, perm) {
		mustf("SetBaseRepoPermission: bad permission %q", perm)
	}
	f.mustOrg(orgLogin).base = perm
}

// SetSSOEnforced switches SAML SSO enforcement: classic PATs and OAuth tokens
// not authorized with AuthorizeSSO get 403 with an X-GitHub-SSO header on the
// organization's resources.
func (f *Fake) SetSSOEnforced(orgLogin string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mustOrg(orgLogin).sso = on
}

// AddMember makes login (created if unknown) an active member with role
// admin (owner), member or billing_manager, and returns the user id.
func (f *Fake) AddMember(orgLogin, login, role string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains([]string{"admin", "member", "billing_manager"}, role) {
		mustf("AddMember: bad role %q", role)
	}
	o := f.mustOrg(orgLogin)
	id := f.ensureUser(login)
	o.members[id] = role
	return id
}

// Members returns the active members' logins mapped to their role.
func (f *Fake) Members(orgLogin string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	out := map[string]string{}
	for id, role := range o.members {
		out[f.users[id].login] = role
	}
	return out
}

// ---- invitations ---------------------------------------------------------------

// Invitation describes a pending organization invitation for AddInvitation.
type Invitation struct {
	Login   string   // invitee login (created if unknown), or
	Email   string   // invitee e-mail (login stays null)
	Role    string   // direct_member (default), admin, billing_manager, hiring_manager
	Teams   []string // team slugs
	Inviter string   // login; default: the first owner, else the org itself
}

// AddInvitation adds a pending invitation and returns its id.
func (f *Fake) AddInvitation(orgLogin string, inv Invitation) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	if inv.Role == "" {
		inv.Role = "direct_member"
	}
	in := &invitation{id: f.id("invitation"), email: inv.Email, role: inv.Role, created: f.now(), source: "member"}
	if inv.Login != "" {
		in.userID = f.ensureUser(inv.Login)
	}
	if inv.Inviter != "" {
		in.inviter = f.ensureUser(inv.Inviter)
	} else {
		in.inviter = f.defaultInviter(o)
	}
	for _, slug := range inv.Teams {
		t := f.teamBySlug(o, slug)
		if t == nil {
			mustf("AddInvitation: unknown team %q", slug)
		}
		in.teams = append(in.teams, t.id)
	}
	o.invites[in.id] = in
	return in.id
}

func (f *Fake) defaultInviter(o *org) int64 {
	var ids []int64
	for id, role := range o.members {
		if role == "admin" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return o.id
	}
	return slices.Min(ids)
}

// AcceptInvitation accepts a pending invitation as login (needed for e-mail
// invitations; ignored otherwise): the user becomes a member with the invited
// role and joins the invited teams.
func (f *Fake) AcceptInvitation(orgLogin string, id int64, login string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	in := o.invites[id]
	if in == nil {
		mustf("AcceptInvitation: no pending invitation %d", id)
	}
	uid := in.userID
	if uid == 0 {
		uid = f.ensureUser(login)
	}
	delete(o.invites, id)
	role := "member"
	switch in.role {
	case "admin":
		role = "admin"
	case "billing_manager":
		role = "billing_manager"
	}
	o.members[uid] = role
	for _, tid := range in.teams {
		if t := o.teams[tid]; t != nil {
			if _, ok := t.members[uid]; !ok {
				t.members[uid] = "member"
			}
		}
	}
	for _, t := range o.teams {
		if r, ok := t.pending[uid]; ok {
			t.members[uid] = r
			delete(t.pending, uid)
		}
	}
}

// FailInvitation moves a pending invitation to the failed list (as when it
// expires; pending invitations also expire by themselves after 7 days).
func (f *Fake) FailInvitation(orgLogin string, id int64, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	in := o.invites[id]
	if in == nil {
		mustf("FailInvitation: no pending invitation %d", id)
	}
	f.failInvite(o, in, f.now(), reason)
}

func (f *Fake) failInvite(o *org, in *invitation, at time.Time, reason string) {
	delete(o.invites, in.id)
	in.failed, in.reason = at, reason
	o.failed = append(o.failed, in)
	for _, t := range o.teams {
		if in.userID != 0 {
			delete(t.pending, in.userID)
		}
	}
}

// expireInvites fails invitations older than 7 days (GitHub's expiry).
func (f *Fake) expireInvites(o *org) {
	now := f.now()
	ids := make([]int64, 0, len(o.invites))
	for id := range o.invites {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		in := o.invites[id]
		if exp := in.created.Add(7 * 24 * time.Hour); !now.Before(exp) {
			f.failInvite(o, in, exp, "Invitation expired")
		}
	}
}

// ---- teams -----------------------------------------------------------------

// Slug is how GitHub derives a team slug from its name.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// AddTeam adds a team (privacy closed, type organization) and returns its
// slug. parent is a parent team slug or "".
func (f *Fake) AddTeam(orgLogin, name, parent string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	slug := Slug(name)
	if f.teamBySlug(o, slug) != nil {
		mustf("AddTeam: team %q exists", slug)
	}
	t := &team{id: f.id("team"), name: name, slug: slug, privacy: "closed", created: f.now(),
		members: map[int64]string{}, pending: map[int64]string{}, repos: map[int64]string{}}
	if parent != "" {
		p := f.teamBySlug(o, parent)
		if p == nil {
			mustf("AddTeam: unknown parent %q", parent)
		}
		t.parent = p.id
	}
	o.teams[t.id] = t
	return slug
}

// TeamID returns a team's id (0 if unknown).
func (f *Fake) TeamID(orgLogin, slug string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t := f.teamBySlug(f.mustOrg(orgLogin), slug); t != nil {
		return t.id
	}
	return 0
}

func (f *Fake) teamBySlug(o *org, slug string) *team {
	for _, t := range o.teams {
		if strings.EqualFold(t.slug, slug) {
			return t
		}
	}
	return nil
}

func (f *Fake) mustTeam(o *org, slug string) *team {
	t := f.teamBySlug(o, slug)
	if t == nil {
		mustf("unknown team %q", slug)
	}
	return t
}

// AddTeamMember adds an active team member with role member or maintainer;
// login (created if unknown) also becomes an org member if it was not one.
func (f *Fake) AddTeamMember(orgLogin, slug, login, role string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if role != "member" && role != "maintainer" {
		mustf("AddTeamMember: bad role %q", role)
	}
	o := f.mustOrg(orgLogin)
	t := f.mustTeam(o, slug)
	id := f.ensureUser(login)
	if _, ok := o.members[id]; !ok {
		o.members[id] = "member"
	}
	t.members[id] = role
}

// SetTeamSync marks a team as synchronized with an identity provider: its
// memberships can then not be changed through the API (403).
func (f *Fake) SetTeamSync(orgLogin, slug string, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mustTeam(f.mustOrg(orgLogin), slug).sync = on
}

// ---- repositories ------------------------------------------------------------

// Repo describes a repository for AddRepo.
type Repo struct {
	Name        string
	Description string
	Private     bool
	Visibility  string // public, private or internal; default from Private
	Archived    bool
	Fork        bool
}

// AddRepo adds an organization repository and returns its id.
func (f *Fake) AddRepo(orgLogin string, r Repo) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	if f.repoByName(o, r.Name) != nil {
		mustf("AddRepo: repository %q exists", r.Name)
	}
	vis := r.Visibility
	if vis == "" {
		vis = "public"
		if r.Private {
			vis = "private"
		}
	}
	x := &repo{id: f.id("repo"), name: r.Name, description: r.Description, private: vis != "public", visibility: vis,
		archived: r.Archived, fork: r.Fork, created: f.now(), collabs: map[int64]string{}, invites: map[int64]*repoInvite{}}
	o.repos[x.id] = x
	return x.id
}

func (f *Fake) repoByName(o *org, name string) *repo {
	for _, r := range o.repos {
		if strings.EqualFold(r.name, name) {
			return r
		}
	}
	return nil
}

func (f *Fake) mustRepo(o *org, name string) *repo {
	r := f.repoByName(o, name)
	if r == nil {
		mustf("unknown repository %q", name)
	}
	return r
}

// AddCustomRepoRole defines a custom repository role name with a base
// permission (read, triage, write, maintain, admin).
func (f *Fake) AddCustomRepoRole(orgLogin, name, base string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if permLevel(base) == 0 {
		mustf("AddCustomRepoRole: bad base %q", base)
	}
	f.mustOrg(orgLogin).repoRoles[name] = base
}

// AddCollaborator grants login (created if unknown) a direct permission on a
// repository: pull, triage, push, maintain, admin or a custom role name. A
// non-member collaborator is an outside collaborator.
func (f *Fake) AddCollaborator(orgLogin, repoName, login, perm string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	if f.repoPermLevel(o, perm) == 0 {
		mustf("AddCollaborator: bad permission %q", perm)
	}
	f.mustRepo(o, repoName).collabs[f.ensureUser(login)] = canonicalPerm(perm)
}

// AddTeamRepo grants a team a permission on a repository.
func (f *Fake) AddTeamRepo(orgLogin, slug, repoName, perm string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	if f.repoPermLevel(o, perm) == 0 {
		mustf("AddTeamRepo: bad permission %q", perm)
	}
	f.mustTeam(o, slug).repos[f.mustRepo(o, repoName).id] = canonicalPerm(perm)
}

// AcceptRepoInvitation accepts login's pending repository invitation.
func (f *Fake) AcceptRepoInvitation(orgLogin, repoName, login string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	r := f.mustRepo(o, repoName)
	u := f.userByLogin(login)
	if u == nil || r.invites[u.id] == nil {
		mustf("AcceptRepoInvitation: no invitation for %q", login)
	}
	r.collabs[u.id] = r.invites[u.id].perm
	delete(r.invites, u.id)
}

// ---- organization roles ------------------------------------------------------

// AddOrgRole adds a custom organization role (base read, triage, write,
// maintain, admin or "") and returns its id.
func (f *Fake) AddOrgRole(orgLogin, name, base string, permissions ...string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	if permissions == nil {
		permissions = []string{}
	}
	id := f.id("role")
	o.roles[id] = &orgRole{id: id, name: name, base: base, source: "Organization", permissions: permissions, created: f.now(), users: map[int64]bool{}, teams: map[int64]bool{}}
	return id
}

// OrgRoleID returns the id of a role by name (0 if unknown).
func (f *Fake) OrgRoleID(orgLogin, name string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.mustOrg(orgLogin).roles {
		if r.name == name {
			return r.id
		}
	}
	return 0
}

// AssignOrgRole assigns an organization role to a member.
func (f *Fake) AssignOrgRole(orgLogin string, roleID int64, login string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	r := o.roles[roleID]
	if r == nil {
		mustf("AssignOrgRole: unknown role %d", roleID)
	}
	r.users[f.ensureUser(login)] = true
}

// AssignOrgRoleToTeam assigns an organization role to a team.
func (f *Fake) AssignOrgRoleToTeam(orgLogin string, roleID int64, slug string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.mustOrg(orgLogin)
	r := o.roles[roleID]
	if r == nil {
		mustf("AssignOrgRoleToTeam: unknown role %d", roleID)
	}
	r.teams[f.mustTeam(o, slug).id] = true
}

// ---- tokens ------------------------------------------------------------------

// AddToken registers an access token for login (created if unknown). Tokens
// starting with github_pat_ are fine-grained PATs (no scopes, no SSO
// authorization needed); others are classic PATs with the given scopes (sent
// back in X-OAuth-Scopes) that need AuthorizeSSO for SSO-enforced orgs.
func (f *Fake) AddToken(value, login string, scopes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	kind := classicToken
	if strings.HasPrefix(value, "github_pat_") {
		kind = fineGrainedToken
		scopes = nil
	}
	f.tokens[value] = &token{value: value, kind: kind, user: f.ensureUser(login), scopes: scopes, sso: map[int64]bool{}}
}

// RevokeToken makes a token unknown (401 Bad credentials).
func (f *Fake) RevokeToken(value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t := f.tokens[value]; t != nil {
		t.revoked = true
	}
}

// AuthorizeSSO authorizes a token for an SSO-enforced organization.
func (f *Fake) AuthorizeSSO(value, orgLogin string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tokens[value]
	if t == nil {
		mustf("AuthorizeSSO: unknown token")
	}
	t.sso[f.mustOrg(orgLogin).id] = true
}

// ---- GitHub Apps ---------------------------------------------------------------

// App describes a GitHub App for AddApp.
type App struct {
	ID        int64
	Slug      string
	ClientID  string // accepted as JWT iss too, as GitHub does
	PublicKey *rsa.PublicKey
}

// AddApp registers a GitHub App whose JWTs (RS256, signed with the private
// key matching PublicKey) the fake accepts.
func (f *Fake) AddApp(a App) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a.ID == 0 || a.PublicKey == nil {
		mustf("AddApp: ID and PublicKey are required")
	}
	if a.Slug == "" {
		a.Slug = fmt.Sprintf("app-%d", a.ID)
	}
	f.apps[a.ID] = &app{id: a.ID, slug: a.Slug, clientID: a.ClientID, key: a.PublicKey}
}

// AddInstallation installs an app on an organization with the given
// permissions (e.g. {"members": "write", "administration": "write",
// "metadata": "read"}) and returns the installation id.
func (f *Fake) AddInstallation(appID int64, orgLogin string, perms map[string]string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.apps[appID] == nil {
		mustf("AddInstallation: unknown app %d", appID)
	}
	o := f.mustOrg(orgLogin)
	if perms == nil {
		perms = map[string]string{"metadata": "read", "members": "read"}
	}
	id := f.id("installation")
	f.installs[id] = &installation{id: id, app: appID, org: o.id, perms: perms, created: f.now()}
	return id
}

// SuspendInstallation suspends (or unsuspends) an installation: token
// creation then answers 403 and its tokens stop working.
func (f *Fake) SuspendInstallation(id int64, suspended bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.installs[id]
	if in == nil {
		mustf("SuspendInstallation: unknown installation %d", id)
	}
	in.suspended = time.Time{}
	if suspended {
		in.suspended = f.now()
	}
}

// ---- OAuth apps ----------------------------------------------------------------

// OAuthApp describes an OAuth app (or a GitHub App's user-authorization side)
// for AddOAuthApp.
type OAuthApp struct {
	ClientID     string
	ClientSecret string
	CallbackURL  string // registered callback; redirect_uri must be under it
	// ExpiringTokens issues GitHub App user tokens (ghu_, expires_in 8 h,
	// refresh_token ghr_ valid ~6 months) instead of OAuth tokens (gho_).
	ExpiringTokens bool
	// User is the login the authorize stub signs in (default: login parameter).
	User string
}

// AddOAuthApp registers an OAuth app.
func (f *Fake) AddOAuthApp(a OAuthApp) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a.ClientID == "" {
		mustf("AddOAuthApp: ClientID required")
	}
	f.oauth[a.ClientID] = &oauthApp{a}
}

// IssueOAuthCode returns a fresh authorization code for clientID and login
// (as if the user had approved the app), valid for 10 minutes.
func (f *Fake) IssueOAuthCode(clientID, login string, scopes ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.oauth[clientID]
	if a == nil {
		mustf("IssueOAuthCode: unknown client %q", clientID)
	}
	return f.newCode(a, f.ensureUser(login), scopes, "")
}

func (f *Fake) newCode(a *oauthApp, uid int64, scopes []string, redirect string) string {
	code := f.secret("code", 20)
	f.codes[code] = &oauthCode{client: a.ClientID, user: uid, scopes: scopes, redirect: redirect, expires: f.now().Add(10 * time.Minute)}
	return code
}

// secret derives a unique, deterministic-per-fake random-looking string.
func (f *Fake) secret(kind string, n int) string {
	f.seq++
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%p", kind, f.seq, f))
	s := hex.EncodeToString(sum[:])
	for len(s) < n {
		s += s
	}
	return s[:n]
}

// ---- failure switches --------------------------------------------------------

// SetRateLimit changes the primary limit per hour for users and
// installations (buckets already in use keep their window).
func (f *Fake) SetRateLimit(limit int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts.RateLimit = limit
	for k, b := range f.buckets {
		if !strings.HasPrefix(k, "ip:") {
			b.limit = limit
		}
	}
}

// SetPrimaryRateLimitExceeded makes every REST request (except GET
// /rate_limit) fail as if the primary rate limit were used up: status 403 or
// 429, X-RateLimit-Remaining 0. Status 0 switches it off.
func (f *Fake) SetPrimaryRateLimitExceeded(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if status != 0 && status != http.StatusForbidden && status != http.StatusTooManyRequests {
		mustf("SetPrimaryRateLimitExceeded: status must be 403 or 429")
	}
	f.primary = status
}

// SetSecondaryRateLimit switches a secondary rate limit on (nil: off).
func (f *Fake) SetSecondaryRateLimit(s *SecondaryRateLimit) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s != nil {
		c := *s
		if c.Status == 0 {
			c.Status = http.StatusForbidden
		}
		s = &c
	}
	f.second = s
}

// ResetRateLimits clears all switches and starts fresh rate-limit windows.
func (f *Fake) ResetRateLimits() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.primary = 0
	f.second = nil
	f.buckets = map[string]*bucket{}
}

// ---- call log ----------------------------------------------------------------

// Calls returns the requests received so far, oldest first.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// ResetCalls clears the call log.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}
