package oktafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// route is one operation of the fake: its method, its path template and
// the scope it needs.
type route struct {
	method, template, scope string
	write                   bool
	serve                   func(f *Fake, w http.ResponseWriter, r *http.Request, p []string)
}

var routes = []route{
	{"GET", "/api/v1/org", "okta.orgs.read", false, (*Fake).getOrg},
	{"GET", "/api/v1/users", "okta.users.read", false, (*Fake).listUsers},
	{"POST", "/api/v1/users", "okta.users.manage", true, (*Fake).createUser},
	{"GET", "/api/v1/users/{userId}", "okta.users.read", false, (*Fake).getUser},
	{"DELETE", "/api/v1/users/{userId}", "okta.users.manage", true, (*Fake).deleteUser},
	{"GET", "/api/v1/users/{userId}/groups", "okta.groups.read", false, (*Fake).userGroups},
	{"GET", "/api/v1/users/{userId}/roles", "okta.roles.read", false, (*Fake).userRoles},
	{"POST", "/api/v1/users/{userId}/roles", "okta.roles.manage", true, (*Fake).assignRole},
	{"DELETE", "/api/v1/users/{userId}/roles/{roleId}", "okta.roles.manage", true, (*Fake).unassignRole},
	{"POST", "/api/v1/users/{userId}/lifecycle/{op}", "okta.users.manage", true, (*Fake).lifecycle},
	{"GET", "/api/v1/groups", "okta.groups.read", false, (*Fake).listGroups},
	{"GET", "/api/v1/groups/{groupId}", "okta.groups.read", false, (*Fake).getGroup},
	{"GET", "/api/v1/groups/{groupId}/users", "okta.groups.read", false, (*Fake).groupUsers},
	{"PUT", "/api/v1/groups/{groupId}/users/{userId}", "okta.groups.manage", true, (*Fake).addMember},
	{"DELETE", "/api/v1/groups/{groupId}/users/{userId}", "okta.groups.manage", true, (*Fake).removeMember},
	{"GET", "/api/v1/apps", "okta.apps.read", false, (*Fake).listApps},
	{"GET", "/api/v1/apps/{appId}/users", "okta.apps.read", false, (*Fake).appUsersList},
	{"GET", "/api/v1/iam/assignees/users", "okta.roles.read", false, (*Fake).roleAssignees},
	{"GET", "/api/v1/iam/roles", "okta.roles.read", false, (*Fake).listCustomRoles},
	{"GET", "/api/v1/iam/roles/{roleIdOrLabel}", "okta.roles.read", false, (*Fake).getCustomRole},
	{"GET", "/api/v1/iam/resource-sets", "okta.roles.read", false, (*Fake).listResourceSets},
	{"GET", "/api/v1/iam/resource-sets/{resourceSetId}", "okta.roles.read", false, (*Fake).getResourceSet},
	{"GET", "/api/v1/iam/resource-sets/{resourceSetId}/bindings", "okta.roles.read", false, (*Fake).listBindings},
}

// match finds the route of a request and its path parameters.
func match(method, path string) (*route, []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		if rt.method != method {
			continue
		}
		tsegs := strings.Split(strings.Trim(rt.template, "/"), "/")
		if len(tsegs) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, t := range tsegs {
			switch {
			case strings.HasPrefix(t, "{"):
				params = append(params, segs[j])
			case t != segs[j]:
				ok = false
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// ServeHTTP answers one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	if r.Method == http.MethodPost && r.URL.Path == "/oauth2/v1/token" {
		f.count("POST /oauth2/v1/token")
		f.token(w, r)
		return
	}
	rt, params := match(r.Method, r.URL.Path)
	if rt == nil {
		f.count(r.Method + " ?")
		f.fail(w, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
		return
	}
	f.count(rt.method + " " + rt.template)
	f.mu.Lock()
	if f.record {
		f.recorded = append(f.recorded, r.URL.RequestURI())
	}
	f.mu.Unlock()
	f.rateHeaders(w, false)
	a := f.authorize(r)
	if a.refuse != nil {
		a.refuse(w)
		return
	}
	if !a.ok {
		f.fail(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
		return
	}
	if !a.allows(rt.scope, rt.write) {
		summary := "You do not have permission to perform the requested action"
		if a.bearer {
			summary = "The access token provided does not contain the required scopes."
		}
		f.fail(w, http.StatusForbidden, "E0000006", summary)
		return
	}
	if rt.method == http.MethodGet && strings.HasSuffix(rt.template, "s") && f.throttled(w) {
		return
	}
	rt.serve(f, w, r, params)
}

// throttled answers the injected 429s of list requests.
func (f *Fake) throttled(w http.ResponseWriter) bool {
	n := f.listCount.Add(1)
	rate, conc := f.rateEvery.Load(), f.concEvery.Load()
	switch {
	case rate > 0 && n%rate == 0:
		f.rateHeaders(w, true)
		f.fail(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return true
	case conc > 0 && n%conc == 0:
		f.fail(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many concurrent requests.")
		return true
	}
	return false
}

// rateHeaders sets Okta's rate-limit headers: a per-endpoint bucket of 600
// a minute, spent (Remaining 0) when exhausted.
func (f *Fake) rateHeaders(w http.ResponseWriter, exhausted bool) {
	h := w.Header()
	remaining := "599"
	if exhausted {
		remaining = "0"
	}
	h.Set("X-Rate-Limit-Limit", "600")
	h.Set("X-Rate-Limit-Remaining", remaining)
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(time.Second).Unix()+1, 10))
}

// errorBody is Okta's error body.
type errorBody struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []errorCause `json:"errorCauses"`
}

type errorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

func (f *Fake) fail(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	body := errorBody{ErrorCode: code, ErrorSummary: summary, ErrorLink: code, ErrorID: "oaefake" + strconv.FormatInt(f.requests.Load(), 10), ErrorCauses: []errorCause{}}
	for _, c := range causes {
		body.ErrorCauses = append(body.ErrorCauses, errorCause{ErrorSummary: c})
	}
	writeJSON(w, status, body)
}

func (f *Fake) notFound(w http.ResponseWriter, id, kind string) {
	f.fail(w, http.StatusNotFound, "E0000007", fmt.Sprintf("Not found: Resource not found: %s (%s)", id, kind))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ---- paging ------------------------------------------------------------------------

// pageOf cuts ids (in creation order) at the request's after cursor and
// limit, and sets the Link headers: self, and next when more follow.
func (f *Fake) pageOf(w http.ResponseWriter, r *http.Request, ids []string, defLimit int) ([]string, bool) {
	return f.cut(w, r, ids, defLimit, true)
}

// cut is pageOf; without limited, the request's limit is not read and the
// next link carries none (the iam listings, which document only after).
func (f *Fake) cut(w http.ResponseWriter, r *http.Request, ids []string, defLimit int, limited bool) ([]string, bool) {
	q := r.URL.Query()
	limit := defLimit
	if v := q.Get("limit"); v != "" && limited {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			f.fail(w, http.StatusBadRequest, "E0000001", "Api validation failed: limit", "limit: must be a positive integer")
			return nil, false
		}
		limit = min(n, MaxLimit)
	}
	start := 0
	if after := q.Get("after"); after != "" {
		s, ok := f.seqOf[after]
		if !ok {
			f.fail(w, http.StatusBadRequest, "E0000001", "Api validation failed: after", "after: invalid cursor")
			return nil, false
		}
		for start < len(ids) && f.seqOf[ids[start]] <= s {
			start++
		}
	}
	end := min(start+limit, len(ids))
	out := ids[start:end]
	self := *r.URL
	links := []string{fmt.Sprintf("<%s>; rel=\"self\"", f.absolute(&self))}
	if end < len(ids) && len(out) > 0 {
		next := *r.URL
		nq := r.URL.Query()
		nq.Set("after", out[len(out)-1])
		if limited {
			nq.Set("limit", strconv.Itoa(limit))
		}
		next.RawQuery = nq.Encode()
		links = append(links, fmt.Sprintf("<%s>; rel=\"next\"", f.absolute(&next)))
	}
	w.Header()["Link"] = links
	return out, true
}

func (f *Fake) absolute(u *url.URL) string {
	return f.srv.URL + u.Path + func() string {
		if u.RawQuery == "" {
			return ""
		}
		return "?" + u.RawQuery
	}()
}
