package githubfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	docsREST       = "https://docs.github.com/rest"
	docsRateLimits = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docsSecondary  = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	docsSSO        = "https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"
	docsVersions   = "https://docs.github.com/rest/about-the-rest-api/api-versions"
)

type principalKind int

const (
	anonymous principalKind = iota
	userPrincipal
	installationPrincipal
	appPrincipal
)

type principal struct {
	kind principalKind
	tok  *token
	user *user
	inst *installation
	app  *app
}

type reqCtx struct {
	f      *Fake
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	path   string // REST path without prefix, aliases resolved
	params map[string]string
	api    string // REST base URL
	web    string // github.com-side base URL
	route  *route
	who    principal
}

type route struct {
	method  string
	pattern string
	segs    []string
	doc     string // documentation_url for errors
	auth    authMode
	handler func(*reqCtx)
}

type authMode int

const (
	authUser   authMode = iota // user or installation token
	authPublic                 // anonymous allowed too
	authJWT                    // GitHub App JWT only
)

func buildRoutes() []*route {
	rs := []*route{
		{method: "GET", pattern: "/user", doc: "users/users#get-the-authenticated-user", handler: (*reqCtx).getUser},
		{method: "GET", pattern: "/user/{account_id}", doc: "users/users#get-a-user-using-their-id", auth: authPublic, handler: (*reqCtx).getUserByID},
		{method: "GET", pattern: "/users/{username}", doc: "users/users#get-a-user", auth: authPublic, handler: (*reqCtx).getUserByLogin},
		{method: "GET", pattern: "/rate_limit", doc: "rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user", auth: authPublic, handler: (*reqCtx).getRateLimit},
		{method: "GET", pattern: "/orgs/{org}", doc: "orgs/orgs#get-an-organization", auth: authPublic, handler: (*reqCtx).getOrg},
		{method: "GET", pattern: "/orgs/{org}/members", doc: "orgs/members#list-organization-members", handler: (*reqCtx).listMembers},
		{method: "GET", pattern: "/orgs/{org}/members/{username}", doc: "orgs/members#check-organization-membership-for-a-user", handler: (*reqCtx).checkMember},
		{method: "DELETE", pattern: "/orgs/{org}/members/{username}", doc: "orgs/members#remove-an-organization-member", handler: (*reqCtx).removeMember},
		{method: "GET", pattern: "/orgs/{org}/memberships/{username}", doc: "orgs/members#get-organization-membership-for-a-user", handler: (*reqCtx).getMembership},
		{method: "PUT", pattern: "/orgs/{org}/memberships/{username}", doc: "orgs/members#set-organization-membership-for-a-user", handler: (*reqCtx).setMembership},
		{method: "DELETE", pattern: "/orgs/{org}/memberships/{username}", doc: "orgs/members#remove-organization-membership-for-a-user", handler: (*reqCtx).removeMembership},
		{method: "GET", pattern: "/orgs/{org}/outside_collaborators", doc: "orgs/outside-collaborators#list-outside-collaborators-for-an-organization", handler: (*reqCtx).listOutsideCollaborators},
		{method: "PUT", pattern: "/orgs/{org}/outside_collaborators/{username}", doc: "orgs/outside-collaborators#convert-an-organization-member-to-outside-collaborator", handler: (*reqCtx).convertToOutside},
		{method: "DELETE", pattern: "/orgs/{org}/outside_collaborators/{username}", doc: "orgs/outside-collaborators#remove-outside-collaborator-from-an-organization", handler: (*reqCtx).removeOutside},
		{method: "GET", pattern: "/orgs/{org}/invitations", doc: "orgs/members#list-pending-organization-invitations", handler: (*reqCtx).listInvitations},
		{method: "POST", pattern: "/orgs/{org}/invitations", doc: "orgs/members#create-an-organization-invitation", handler: (*reqCtx).createInvitation},
		{method: "DELETE", pattern: "/orgs/{org}/invitations/{invitation_id}", doc: "orgs/members#cancel-an-organization-invitation", handler: (*reqCtx).cancelInvitation},
		{method: "GET", pattern: "/orgs/{org}/invitations/{invitation_id}/teams", doc: "orgs/members#list-organization-invitation-teams", handler: (*reqCtx).listInvitationTeams},
		{method: "GET", pattern: "/orgs/{org}/failed_invitations", doc: "orgs/members#list-failed-organization-invitations", handler: (*reqCtx).listFailedInvitations},
		{method: "GET", pattern: "/orgs/{org}/teams", doc: "teams/teams#list-teams", handler: (*reqCtx).listTeams},
		{method: "GET", pattern: "/orgs/{org}/teams/{team_slug}", doc: "teams/teams#get-a-team-by-name", handler: (*reqCtx).getTeam},
		{method: "GET", pattern: "/orgs/{org}/teams/{team_slug}/members", doc: "teams/members#list-team-members", handler: (*reqCtx).listTeamMembers},
		{method: "GET", pattern: "/orgs/{org}/teams/{team_slug}/memberships/{username}", doc: "teams/members#get-team-membership-for-a-user", handler: (*reqCtx).getTeamMembership},
		{method: "PUT", pattern: "/orgs/{org}/teams/{team_slug}/memberships/{username}", doc: "teams/members#add-or-update-team-membership-for-a-user", handler: (*reqCtx).setTeamMembership},
		{method: "DELETE", pattern: "/orgs/{org}/teams/{team_slug}/memberships/{username}", doc: "teams/members#remove-team-membership-for-a-user", handler: (*reqCtx).removeTeamMembership},
		{method: "GET", pattern: "/orgs/{org}/teams/{team_slug}/repos", doc: "teams/teams#list-team-repositories", handler: (*reqCtx).listTeamRepos},
		{method: "GET", pattern: "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", doc: "teams/teams#check-team-permissions-for-a-repository", handler: (*reqCtx).checkTeamRepo},
		{method: "PUT", pattern: "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", doc: "teams/teams#add-or-update-team-repository-permissions", handler: (*reqCtx).setTeamRepo},
		{method: "DELETE", pattern: "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", doc: "teams/teams#remove-a-repository-from-a-team", handler: (*reqCtx).removeTeamRepo},
		{method: "GET", pattern: "/orgs/{org}/repos", doc: "repos/repos#list-organization-repositories", handler: (*reqCtx).listOrgRepos},
		{method: "GET", pattern: "/repos/{owner}/{repo}/collaborators", doc: "collaborators/collaborators#list-repository-collaborators", handler: (*reqCtx).listCollaborators},
		{method: "GET", pattern: "/repos/{owner}/{repo}/collaborators/{username}", doc: "collaborators/collaborators#check-if-a-user-is-a-repository-collaborator", handler: (*reqCtx).checkCollaborator},
		{method: "PUT", pattern: "/repos/{owner}/{repo}/collaborators/{username}", doc: "collaborators/collaborators#add-a-repository-collaborator", handler: (*reqCtx).addCollaborator},
		{method: "DELETE", pattern: "/repos/{owner}/{repo}/collaborators/{username}", doc: "collaborators/collaborators#remove-a-repository-collaborator", handler: (*reqCtx).removeCollaborator},
		{method: "GET", pattern: "/repos/{owner}/{repo}/collaborators/{username}/permission", doc: "collaborators/collaborators#get-repository-permissions-for-a-user", handler: (*reqCtx).collaboratorPermission},
		{method: "GET", pattern: "/repos/{owner}/{repo}/teams", doc: "repos/repos#list-repository-teams", handler: (*reqCtx).listRepoTeams},
		{method: "GET", pattern: "/orgs/{org}/organization-roles", doc: "orgs/organization-roles#get-all-organization-roles-for-an-organization", handler: (*reqCtx).listOrgRoles},
		{method: "GET", pattern: "/orgs/{org}/organization-roles/{role_id}", doc: "orgs/organization-roles#get-an-organization-role", handler: (*reqCtx).getOrgRole},
		{method: "GET", pattern: "/orgs/{org}/organization-roles/{role_id}/users", doc: "orgs/organization-roles#list-users-that-are-assigned-to-an-organization-role", handler: (*reqCtx).listOrgRoleUsers},
		{method: "GET", pattern: "/orgs/{org}/organization-roles/{role_id}/teams", doc: "orgs/organization-roles#list-teams-that-are-assigned-to-an-organization-role", handler: (*reqCtx).listOrgRoleTeams},
		{method: "PUT", pattern: "/orgs/{org}/organization-roles/users/{username}/{role_id}", doc: "orgs/organization-roles#assign-an-organization-role-to-a-user", handler: (*reqCtx).assignOrgRoleUser},
		{method: "DELETE", pattern: "/orgs/{org}/organization-roles/users/{username}/{role_id}", doc: "orgs/organization-roles#remove-an-organization-role-from-a-user", handler: (*reqCtx).revokeOrgRoleUser},
		{method: "PUT", pattern: "/orgs/{org}/organization-roles/teams/{team_slug}/{role_id}", doc: "orgs/organization-roles#assign-an-organization-role-to-a-team", handler: (*reqCtx).assignOrgRoleTeam},
		{method: "DELETE", pattern: "/orgs/{org}/organization-roles/teams/{team_slug}/{role_id}", doc: "orgs/organization-roles#remove-an-organization-role-from-a-team", handler: (*reqCtx).revokeOrgRoleTeam},
		{method: "GET", pattern: "/orgs/{org}/installation", doc: "apps/apps#get-an-organization-installation-for-the-authenticated-app", auth: authJWT, handler: (*reqCtx).getOrgInstallation},
		{method: "POST", pattern: "/app/installations/{installation_id}/access_tokens", doc: "apps/apps#create-an-installation-access-token-for-an-app", auth: authJWT, handler: (*reqCtx).createInstallationToken},
	}
	for _, r := range rs {
		r.segs = strings.Split(strings.Trim(r.pattern, "/"), "/")
		r.doc = "https://docs.github.com/rest/" + r.doc
	}
	return rs
}

var routeTable = buildRoutes()

// Routes lists the REST operations the fake implements, "METHOD /path" as in
// the OpenAPI description (for coverage checks).
func Routes() []string {
	out := make([]string, 0, len(routeTable))
	for _, r := range routeTable {
		out = append(out, r.method+" "+r.pattern)
	}
	return out
}

func matchRoute(method, path string) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range routeTable {
		if r.method != method || len(r.segs) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, s := range r.segs {
			if !strings.HasPrefix(s, "{") {
				ok = ok && s == segs[i]
				continue
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				ok = false
				break
			}
			params[strings.Trim(s, "{}")] = v
		}
		if ok {
			return r, params
		}
	}
	return nil, nil
}

// recorder buffers status and body so the call is logged before the client
// can see the response (headers go straight to the real writer's map).
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{ResponseWriter: w}
	f.mu.Lock()
	defer func() {
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		f.calls = append(f.calls, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body, Status: rec.status})
		f.mu.Unlock()
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	}()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	web := scheme + "://" + r.Host
	c := &reqCtx{f: f, w: rec, r: r, body: body, web: web, api: web + f.opts.PathPrefix}
	if strings.HasPrefix(r.URL.Path, "/login/oauth/") {
		f.serveOAuth(c)
		return
	}
	p, ok := f.apiPath(r)
	if !ok {
		c.route = &route{doc: docsREST}
		c.notFound()
		return
	}
	c.path = p
	f.serveAPI(c)
}

// APIPath maps a request to the REST path of the OpenAPI description: it
// strips Options.PathPrefix and resolves the /organizations/{id}/... and
// /repositories/{id}/... forms GitHub uses in Link headers. ok is false for
// requests outside the REST API (OAuth endpoints, unknown prefix).
func (f *Fake) APIPath(r *http.Request) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.apiPath(r)
}

func (f *Fake) apiPath(r *http.Request) (string, bool) {
	p := r.URL.Path
	if strings.HasPrefix(p, "/login/") {
		return "", false
	}
	if f.opts.PathPrefix != "" {
		rest, ok := strings.CutPrefix(p, f.opts.PathPrefix)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			return "", false
		}
		p = rest
	}
	if p == "" {
		p = "/"
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) >= 2 && (segs[0] == "organizations" || segs[0] == "repositories") {
		id, err := strconv.ParseInt(segs[1], 10, 64)
		if err != nil {
			return p, true
		}
		switch segs[0] {
		case "organizations":
			if o := f.orgs[id]; o != nil {
				return "/orgs/" + f.users[o.id].login + "/" + strings.Join(segs[2:], "/"), true
			}
		case "repositories":
			for _, o := range f.orgs {
				if rp := o.repos[id]; rp != nil {
					return "/repos/" + f.users[o.id].login + "/" + rp.name + "/" + strings.Join(segs[2:], "/"), true
				}
			}
		}
	}
	return p, true
}

func (f *Fake) serveAPI(c *reqCtx) {
	h := c.w.Header()
	rid := strings.ToUpper(f.secret("req", 10))
	h.Set("X-GitHub-Request-Id", rid[:4]+":"+rid[4:])
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("Access-Control-Expose-Headers", "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset")

	rt, params := matchRoute(c.r.Method, c.path)
	c.route, c.params = rt, params
	if rt == nil {
		c.route = &route{doc: docsREST}
	}

	// Authentication comes first: it decides the rate-limit bucket.
	authErr := c.authenticate()
	counted := c.r.Method != "GET" || c.path != "/rate_limit"
	b := c.countRequest(counted)
	if c.rejectHeaders() {
		return
	}
	h.Set("X-GitHub-Api-Version-Selected", APIVersion)
	if authErr != "" {
		c.errorf(http.StatusUnauthorized, docsREST, "%s", authErr)
		return
	}
	if counted && (c.primaryLimited(b) || c.secondaryLimited()) {
		return
	}
	if rt == nil { // GitHub answers 404 for unknown paths and unsupported methods alike
		c.notFound()
		return
	}
	if c.refused(rt) {
		return
	}
	rt.handler(c)
}

// countRequest counts a counted request in the caller's rate-limit bucket
// and sets the rate-limit headers (and, for OAuth tokens, X-OAuth-Scopes).
func (c *reqCtx) countRequest(counted bool) *bucket {
	f, h := c.f, c.w.Header()
	key, limit := c.bucketKey()
	b := f.bucket(key, limit)
	if counted {
		b.used++
	}
	remaining := max(b.limit-b.used, 0)
	if f.primary != 0 {
		remaining = 0
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(b.used, b.limit)))
	h.Set("X-RateLimit-Resource", "core")
	if c.who.tok != nil && (c.who.tok.kind == classicToken || c.who.tok.kind == oauthToken) {
		h.Set("X-OAuth-Scopes", strings.Join(c.who.tok.scopes, ", "))
	}
	return b
}

// rejectHeaders answers a request without a User-Agent or with an API
// version the fake does not serve; it reports whether it answered.
func (c *reqCtx) rejectHeaders() bool {
	if c.r.Header.Get("User-Agent") == "" {
		// GitHub's edge answers this in plain text; the fake uses the
		// basic-error shape the description documents for 403.
		c.errorf(http.StatusForbidden, "https://docs.github.com/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent", "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.")
		return true
	}
	v := c.r.Header.Get("X-GitHub-Api-Version")
	switch {
	case v != "" && v != APIVersion:
		c.errorf(http.StatusBadRequest, docsVersions, "Unsupported 'X-GitHub-Api-Version' header: %s. The supported versions are: %s.", v, APIVersion)
		return true
	case v == "" && c.f.opts.RequireAPIVersion:
		c.errorf(http.StatusBadRequest, docsVersions, "Missing 'X-GitHub-Api-Version' header (the fake was started with RequireAPIVersion). The supported versions are: %s.", APIVersion)
		return true
	}
	return false
}

// primaryLimited answers a request over the primary rate limit (or while it
// is forced); it reports whether it answered.
func (c *reqCtx) primaryLimited(b *bucket) bool {
	f := c.f
	if f.primary == 0 && b.used <= b.limit {
		return false
	}
	status := f.primary
	if status == 0 {
		status = http.StatusForbidden
	}
	c.errorf(status, docsRateLimits, "API rate limit exceeded for %s. If you reach out to GitHub Support for help, please include the request ID %s and timestamp %s.", c.rateSubject(), c.w.Header().Get("X-GitHub-Request-Id"), f.now().Format("2006-01-02 15:04:05 MST"))
	return true
}

// secondaryLimited answers a request while a secondary rate limit is on,
// counting it against the limit's requests; it reports whether it answered.
func (c *reqCtx) secondaryLimited() bool {
	f, h := c.f, c.w.Header()
	s := f.second
	if s == nil {
		return false
	}
	if s.Requests > 0 {
		if s.Requests--; s.Requests == 0 {
			f.second = nil
		}
	}
	if s.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(s.RetryAfter/time.Second)))
	}
	msg := "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
	if s.ContentCreation {
		msg = "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later."
	}
	c.errorf(s.Status, docsSecondary, "%s If you reach out to GitHub Support for help, please include the request ID %s.", msg, h.Get("X-GitHub-Request-Id"))
	return true
}

// refused answers a request whose principal the route's auth mode does not
// accept; it reports whether it answered.
func (c *reqCtx) refused(rt *route) bool {
	switch {
	case rt.auth == authJWT && c.who.kind != appPrincipal:
		c.errorf(http.StatusUnauthorized, docsREST, "A JSON web token could not be decoded")
	case rt.auth == authUser && c.who.kind == anonymous:
		c.errorf(http.StatusUnauthorized, rt.doc, "Requires authentication")
	case rt.auth != authJWT && c.who.kind == appPrincipal:
		c.errorf(http.StatusForbidden, rt.doc, "Resource not accessible by integration")
	default:
		return false
	}
	return true
}

func (c *reqCtx) rateSubject() string {
	switch c.who.kind {
	case userPrincipal:
		return "user ID " + strconv.FormatInt(c.who.user.id, 10)
	case installationPrincipal:
		return "installation ID " + strconv.FormatInt(c.who.inst.id, 10)
	case appPrincipal:
		return "integration ID " + strconv.FormatInt(c.who.app.id, 10)
	}
	return c.remoteIP()
}

func (c *reqCtx) remoteIP() string {
	host, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		return c.r.RemoteAddr
	}
	return host
}

func (c *reqCtx) bucketKey() (string, int) {
	switch c.who.kind {
	case userPrincipal:
		return "user:" + strconv.FormatInt(c.who.user.id, 10), c.f.opts.RateLimit
	case installationPrincipal:
		return "installation:" + strconv.FormatInt(c.who.inst.id, 10), c.f.opts.RateLimit
	case appPrincipal:
		return "app:" + strconv.FormatInt(c.who.app.id, 10), c.f.opts.RateLimit
	}
	return "ip:" + c.remoteIP(), 60
}

func (f *Fake) bucket(key string, limit int) *bucket {
	now := f.now()
	b := f.buckets[key]
	if b == nil || !now.Before(b.reset) {
		b = &bucket{limit: limit, reset: now.Add(time.Hour)}
		f.buckets[key] = b
	}
	return b
}

// authenticate resolves the Authorization header; a non-empty result is the
// 401 message.
func (c *reqCtx) authenticate() string {
	h := c.r.Header.Get("Authorization")
	if h == "" {
		return ""
	}
	scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
	cred = strings.TrimSpace(cred)
	scheme = strings.ToLower(scheme)
	if scheme != "bearer" && scheme != "token" || cred == "" {
		return "Bad credentials"
	}
	if strings.Count(cred, ".") == 2 && strings.HasPrefix(cred, "eyJ") {
		if scheme != "bearer" {
			return "Bad credentials" // JWTs must use Bearer
		}
		a, msg := c.f.verifyJWT(cred)
		if msg != "" {
			return msg
		}
		c.who = principal{kind: appPrincipal, app: a}
		return ""
	}
	t := c.f.tokens[cred]
	if t == nil || t.revoked || (!t.expires.IsZero() && !c.f.now().Before(t.expires)) {
		return "Bad credentials"
	}
	if t.kind == installationToken {
		in := c.f.installs[t.inst]
		if in == nil || !in.suspended.IsZero() {
			return "Bad credentials"
		}
		c.who = principal{kind: installationPrincipal, tok: t, inst: in}
		return ""
	}
	c.who = principal{kind: userPrincipal, tok: t, user: c.f.users[t.user]}
	return ""
}

// ---- responses ----------------------------------------------------------------

func (c *reqCtx) writeJSON(status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.w.WriteHeader(status)
	c.w.Write(buf.Bytes())
}

func (c *reqCtx) noContent() { c.w.WriteHeader(http.StatusNoContent) }

// errorf writes GitHub's basic-error body.
func (c *reqCtx) errorf(status int, doc, format string, args ...any) {
	if doc == "" {
		doc = c.route.doc
	}
	c.writeJSON(status, obj{"message": fmt.Sprintf(format, args...), "documentation_url": doc, "status": strconv.Itoa(status)})
}

func (c *reqCtx) notFound() { c.errorf(http.StatusNotFound, "", "Not Found") }

func (c *reqCtx) forbidden(msg string) { c.errorf(http.StatusForbidden, "", "%s", msg) }

// fieldError is one entry of validation-error.errors.
type fieldError struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
	Value    any    `json:"value,omitempty"`
}

func (c *reqCtx) validationFailed(errs ...fieldError) {
	c.writeJSON(http.StatusUnprocessableEntity, obj{"message": "Validation Failed", "errors": errs, "documentation_url": c.route.doc, "status": "422"})
}

func (c *reqCtx) unprocessable(format string, args ...any) {
	c.errorf(http.StatusUnprocessableEntity, "", format, args...)
}

// ---- request helpers -------------------------------------------------------------

// enumQuery returns a query parameter checked against allowed values (the
// first is the default); on a bad value it answers 422 and returns false.
func (c *reqCtx) enumQuery(resource, name string, allowed ...string) (string, bool) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return allowed[0], true
	}
	if slices.Contains(allowed, v) {
		return v, true
	}
	c.validationFailed(fieldError{Resource: resource, Field: name, Code: "invalid", Value: v})
	return "", false
}

// enumField returns the optional string body field name (def when absent),
// checked against allowed; on a bad value it answers 422 and returns false.
func (c *reqCtx) enumField(body map[string]any, name, def string, allowed ...string) (string, bool) {
	v := def
	if s, ok := body[name].(string); ok {
		v = s
	}
	if !slices.Contains(allowed, v) {
		list, _ := json.Marshal(allowed)
		c.unprocessable("Invalid request.\n\nFor 'properties/%s', %q is not one of %s.", name, v, list)
		return "", false
	}
	return v, true
}

// pageOf answers a paginated list: it slices items per per_page/page and sets
// the Link header. GitHub's default page size is 30 and the maximum 100.
func pageOf[T any](c *reqCtx, items []T) ([]T, bool) {
	q := c.r.URL.Query()
	perPage, page := 30, 1
	for _, p := range []struct {
		name string
		dst  *int
	}{{"per_page", &perPage}, {"page", &page}} {
		if s := q.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				c.validationFailed(fieldError{Resource: "Pagination", Field: p.name, Code: "invalid", Value: s})
				return nil, false
			}
			*p.dst = n
		}
	}
	if perPage < 1 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page = max(page, 1)
	last := (len(items) + perPage - 1) / perPage
	lo := min((page-1)*perPage, len(items))
	hi := min(lo+perPage, len(items))
	if last > 1 || page > 1 {
		c.w.Header().Set("Link", c.links(page, last))
	}
	return items[lo:hi], true
}

func (c *reqCtx) links(page, last int) string {
	base := c.linkBase()
	q := c.r.URL.Query()
	mk := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf("<%s?%s>; rel=%q", base, q.Encode(), rel)
	}
	var parts []string
	if page > 1 {
		parts = append(parts, mk(min(page-1, max(last, 1)), "prev"))
	}
	if page < last {
		parts = append(parts, mk(page+1, "next"), mk(last, "last"))
	}
	if page > 1 {
		parts = append(parts, mk(1, "first"))
	}
	return strings.Join(parts, ", ")
}

// linkBase is the URL (without query) list pages link to.
func (c *reqCtx) linkBase() string {
	if c.f.opts.LinkStyle == LinkByID {
		segs := strings.Split(strings.TrimPrefix(c.path, "/"), "/")
		switch {
		case len(segs) >= 2 && segs[0] == "orgs":
			if o := c.f.orgByLogin(segs[1]); o != nil {
				return fmt.Sprintf("%s/organizations/%d/%s", c.api, o.id, strings.Join(segs[2:], "/"))
			}
		case len(segs) >= 3 && segs[0] == "repos":
			if o := c.f.orgByLogin(segs[1]); o != nil {
				if r := c.f.repoByName(o, segs[2]); r != nil {
					return fmt.Sprintf("%s/repositories/%d/%s", c.api, r.id, strings.Join(segs[3:], "/"))
				}
			}
		}
	}
	return c.web + c.r.URL.Path
}

// decodeBody decodes an optional JSON object body into fields; it answers
// 400/422 as GitHub does and returns false on error. kinds: string, int, bool,
// ints, strings, object.
func (c *reqCtx) decodeBody(kinds map[string]string) (map[string]any, bool) {
	out := map[string]any{}
	if len(bytes.TrimSpace(c.body)) == 0 {
		return out, true
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		c.errorf(http.StatusBadRequest, "", "Problems parsing JSON")
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf(http.StatusBadRequest, "", "Body should be a JSON object")
		return nil, false
	}
	for name, kind := range kinds {
		x, present := m[name]
		if !present || x == nil {
			continue
		}
		if !hasKind(x, kind) {
			c.unprocessable("Invalid request.\n\nFor 'properties/%s', %s is not %s.", name, compact(x), article(kind))
			return nil, false
		}
		out[name] = x
	}
	return out, true
}

func hasKind(x any, kind string) bool {
	switch kind {
	case "string":
		_, ok := x.(string)
		return ok
	case "bool":
		_, ok := x.(bool)
		return ok
	case "int":
		n, ok := x.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case "ints", "strings":
		a, ok := x.([]any)
		if !ok {
			return false
		}
		for _, e := range a {
			if !hasKind(e, strings.TrimSuffix(kind, "s")) {
				return false
			}
		}
		return true
	case "object":
		_, ok := x.(map[string]any)
		return ok
	}
	return false
}

func article(kind string) string {
	switch kind {
	case "int":
		return "an integer"
	case "ints":
		return "an array of integers"
	case "strings":
		return "an array of strings"
	case "bool":
		return "a boolean"
	case "object":
		return "an object"
	}
	return "a " + kind
}

func compact(x any) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// ---- resolution helpers (answer 404 themselves) -----------------------------------

// org resolves {org} (or {owner}) and checks the caller may see it: SSO
// enforcement for classic/OAuth tokens, installation scope.
func (c *reqCtx) lookupOrg(param string) *org {
	o := c.f.orgByLogin(c.params[param])
	if o == nil {
		c.notFound()
		return nil
	}
	switch c.who.kind {
	case installationPrincipal:
		if c.who.inst.org != o.id {
			c.notFound()
			return nil
		}
	case userPrincipal:
		t := c.who.tok
		if o.sso && (t.kind == classicToken || t.kind == oauthToken) && !t.sso[o.id] {
			login := c.f.users[o.id].login
			c.w.Header().Set("X-GitHub-SSO", "required; url="+c.web+"/orgs/"+login+"/sso?authorization_request="+c.f.secret("sso", 40))
			kind := "Personal Access"
			if t.kind == oauthToken {
				kind = "OAuth"
			}
			c.errorf(http.StatusForbidden, docsSSO, "Resource protected by organization SAML enforcement. You must grant your %s token access to this organization.", kind)
			return nil
		}
	}
	return o
}

func (c *reqCtx) lookupUser(param string) *user {
	u := c.f.userByLogin(c.params[param])
	if u == nil || u.typ == "Organization" {
		c.notFound()
		return nil
	}
	return u
}

func (c *reqCtx) lookupTeam(o *org) *team {
	t := c.f.teamBySlug(o, c.params["team_slug"])
	if t == nil {
		c.notFound()
		return nil
	}
	return t
}

// repo resolves {owner}/{repo}; installation tokens limited to some
// repositories see only those.
func (c *reqCtx) lookupRepo(o *org) *repo {
	if o == nil {
		return nil
	}
	r := c.f.repoByName(o, c.params["repo"])
	if r == nil {
		c.notFound()
		return nil
	}
	if c.who.kind == installationPrincipal && c.who.tok.repos != nil && !slices.Contains(c.who.tok.repos, r.id) {
		c.notFound()
		return nil
	}
	return r
}

// orgUser resolves {orgParam} and {userParam}; ok is false once answered.
func (c *reqCtx) orgUser(orgParam, userParam string) (*org, *user, bool) {
	o := c.lookupOrg(orgParam)
	if o == nil {
		return nil, nil, false
	}
	u := c.lookupUser(userParam)
	if u == nil {
		return nil, nil, false
	}
	return o, u, true
}

// orgTeam resolves {org} and {team_slug}; ok is false once answered.
func (c *reqCtx) orgTeam() (*org, *team, bool) {
	o := c.lookupOrg("org")
	if o == nil {
		return nil, nil, false
	}
	t := c.lookupTeam(o)
	if t == nil {
		return nil, nil, false
	}
	return o, t, true
}

// ownerOf reports whether the caller owns o; otherwise it answers 403 with
// msg, or 404 when msg is empty (the operation documents no 403).
func (c *reqCtx) ownerOf(o *org, msg string) bool {
	switch {
	case c.owner(o):
		return true
	case msg == "":
		c.notFound()
	default:
		c.forbidden(msg)
	}
	return false
}

// ownedOrg resolves {org} for operations only its owners may see (404
// otherwise).
func (c *reqCtx) ownedOrg() *org {
	o := c.lookupOrg("org")
	if o == nil || !c.ownerOf(o, "") {
		return nil
	}
	return o
}

// owner reports whether the caller administers o (owner, or an installation
// of o; installation permissions are not enforced).
func (c *reqCtx) owner(o *org) bool {
	switch c.who.kind {
	case installationPrincipal:
		return true
	case userPrincipal:
		return o.isOwner(c.who.user.id) || c.who.user.siteAdmin
	}
	return false
}

func (c *reqCtx) member(o *org) bool {
	switch c.who.kind {
	case installationPrincipal:
		return true
	case userPrincipal:
		return o.isMember(c.who.user.id)
	}
	return false
}

// actor is the user id recorded as inviter: the caller, or the org for
// installations.
func (c *reqCtx) actor(o *org) int64 {
	if c.who.kind == userPrincipal {
		return c.who.user.id
	}
	return o.id
}

// Operation returns the operation ("METHOD /pattern", as in the OpenAPI
// description) that serves a REST path without prefix, if any.
func Operation(method, path string) (string, bool) {
	rt, _ := matchRoute(method, path)
	if rt == nil {
		return "", false
	}
	return rt.method + " " + rt.pattern, true
}
