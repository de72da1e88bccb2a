// Package scimfake is an in-memory SCIM 2.0 service provider for tests,
// built on github.com/elimity-com/scim (which validates every resource
// against the RFC 7643 schemas): Users (with the Enterprise User
// extension) and Groups, excludedAttributes, bearer or basic authentication, and faults a real
// server shows (count ignored, short pages, a drifting totalResults).
package scimfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	scimfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	filter "github.com/scim2/filter-parser/v2"
)

// Prefix is the path the fake serves SCIM under: base URL = server URL + Prefix.
const Prefix = "/scim/v2"

// Options configure a Fake.
type Options struct {
	// Token is the accepted bearer token; BasicUser and BasicPassword the
	// accepted basic credentials. Anything else is answered 401.
	Token, BasicUser, BasicPassword string
	// MaxResults is the server's largest count (default 100).
	MaxResults int
	// IgnoreCount answers every list page with this many resources (when
	// above 0), whatever count asked.
	IgnoreCount int
	// ShortPages answers at most this many resources per page (when above 0).
	ShortPages int
	// TotalDrift adds the number of list requests served so far to every
	// totalResults: the total grows while a listing is read.
	TotalDrift bool
	// NoDiscovery answers 404 for /ServiceProviderConfig, /ResourceTypes
	// and /Schemas.
	NoDiscovery bool
	// NoFilter refuses filter= with 400 invalidFilter and says so in
	// /ServiceProviderConfig.
	NoFilter bool
}

// Request is one request the fake served.
type Request struct {
	Method, URI string
	Body        string
}

// Fake is the in-memory service provider.
type Fake struct {
	o   Options
	srv http.Handler

	mu       sync.Mutex
	seq      int
	users    map[string]*scim.Resource
	groups   map[string]*scim.Resource
	order    map[string]int // creation order of every id
	lists    int
	requests []Request
}

// New makes a fake.
func New(o Options) *Fake {
	if o.MaxResults <= 0 {
		o.MaxResults = 100
	}
	f := &Fake{o: o, users: map[string]*scim.Resource{}, groups: map[string]*scim.Resource{}, order: map[string]int{}}
	cfg := &scim.ServiceProviderConfig{MaxResults: o.MaxResults, SupportFiltering: !o.NoFilter, SupportPatch: true}
	s, err := scim.NewServer(&scim.ServerArgs{ServiceProviderConfig: cfg, ResourceTypes: []scim.ResourceType{
		{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Schema: schema.CoreUserSchema(),
			SchemaExtensions: []scim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
			Handler:          &handler{f: f, store: f.users, kind: "User"}},
		{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Schema: schema.CoreGroupSchema(),
			Handler: &handler{f: f, store: f.groups, kind: "Group"}},
	}})
	if err != nil {
		panic(err)
	}
	f.srv = http.StripPrefix("/scim", s)
	return f
}

// Start serves the fake on loopback until the returned stop is called;
// base is the SCIM base URL.
func (f *Fake) Start() (base string, stop func()) {
	srv := httptest.NewServer(f)
	return srv.URL + Prefix, srv.Close
}

// ServeHTTP authenticates, records and serves one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil && (r.Method == http.MethodPatch || r.Method == http.MethodPost) {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	f.mu.Lock()
	f.requests = append(f.requests, Request{Method: r.Method, URI: r.URL.RequestURI(), Body: string(body)})
	f.mu.Unlock()
	if !f.authorized(r) {
		writeError(w, http.StatusUnauthorized, "", "The credentials are not valid.")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	if f.o.NoDiscovery && (path == "/ServiceProviderConfig" || path == "/ResourceTypes" || path == "/Schemas") {
		writeError(w, http.StatusNotFound, "", "Not found.")
		return
	}
	if f.o.NoFilter && r.URL.Query().Get("filter") != "" {
		writeError(w, http.StatusBadRequest, "invalidFilter", "Filtering is not supported.")
		return
	}
	if !strings.HasPrefix(r.URL.Path, Prefix+"/") {
		writeError(w, http.StatusNotFound, "", "Not found.")
		return
	}
	f.srv.ServeHTTP(w, r)
}

func (f *Fake) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if f.o.Token != "" && h == "Bearer "+f.o.Token {
		return true
	}
	if f.o.BasicUser != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(f.o.BasicUser+":"+f.o.BasicPassword))
		if h == want {
			return true
		}
	}
	return f.o.Token == "" && f.o.BasicUser == ""
}

// writeError writes a SCIM error body.
func writeError(w http.ResponseWriter, status int, scimType, detail string) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	b := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"}, "status": strconv.Itoa(status), "detail": detail}
	if scimType != "" {
		b["scimType"] = scimType
	}
	_ = json.NewEncoder(w).Encode(b)
}

// Requests returns the requests served so far (and forgets them when reset).
func (f *Fake) Requests(reset bool) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]Request(nil), f.requests...)
	if reset {
		f.requests = nil
	}
	return out
}

// ---- seeding and inspection ------------------------------------------------------

func (f *Fake) nextID(kind string) string {
	f.seq++
	id := fmt.Sprintf("%s-%06d", strings.ToLower(kind), f.seq)
	f.order[id] = f.seq
	return id
}

// AddUser stores a user with the given attributes (userName required) and
// returns its id.
func (f *Fake) AddUser(attrs map[string]any) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID("User")
	f.users[id] = &scim.Resource{ID: id, Attributes: copyAttrs(attrs)}
	return id
}

// AddGroup stores a group named name with the given member user ids.
func (f *Fake) AddGroup(name string, members ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID("Group")
	ms := make([]any, len(members))
	for i, m := range members {
		ms[i] = map[string]any{"value": m, "type": "User"}
	}
	f.groups[id] = &scim.Resource{ID: id, Attributes: scim.ResourceAttributes{"displayName": name, "members": ms}}
	return id
}

// User returns a copy of a stored user's attributes, nil when absent.
func (f *Fake) User(id string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.users[id]; ok {
		return copyAttrs(r.Attributes)
	}
	return nil
}

// Members returns a group's member ids, sorted.
func (f *Fake) Members(groupID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.groups[groupID]
	if !ok {
		return nil
	}
	out := members(r.Attributes)
	sort.Strings(out)
	return out
}

func members(a scim.ResourceAttributes) []string {
	ms, _ := a["members"].([]any)
	var out []string
	for _, m := range ms {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func copyAttrs(a map[string]any) scim.ResourceAttributes {
	b, _ := json.Marshal(a)
	var out scim.ResourceAttributes
	_ = json.Unmarshal(b, &out)
	if out == nil {
		out = scim.ResourceAttributes{}
	}
	return out
}

// ---- the resource handler ----------------------------------------------------------

type handler struct {
	f     *Fake
	store map[string]*scim.Resource
	kind  string
}

func (h *handler) resource(r *scim.Resource) scim.Resource {
	return h.resourceWith(r, h.f.userGroups())
}

// resourceWith is a stored resource as answered: a user's groups are
// computed from the groups' members (groups maps user id to them), as
// servers do.
func (h *handler) resourceWith(r *scim.Resource, groups map[string][]any) scim.Resource {
	out := scim.Resource{ID: r.ID, Attributes: copyAttrs(r.Attributes)}
	if h.kind == "User" && groups[r.ID] != nil {
		out.Attributes["groups"] = groups[r.ID]
	}
	return out
}

// userGroups maps every member user id to its groups' references.
func (f *Fake) userGroups() map[string][]any {
	out := map[string][]any{}
	for _, gid := range f.sortedIDs(f.groups) {
		for _, m := range members(f.groups[gid].Attributes) {
			out[m] = append(out[m], map[string]any{"value": gid, "display": f.groups[gid].Attributes["displayName"]})
		}
	}
	return out
}

func (f *Fake) sortedIDs(store map[string]*scim.Resource) []string {
	ids := make([]string, 0, len(store))
	for id := range store {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return f.order[ids[i]] < f.order[ids[j]] })
	return ids
}

func (h *handler) Create(_ *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if err := h.unique("", attrs); err != nil {
		return scim.Resource{}, err
	}
	id := h.f.nextID(h.kind)
	r := &scim.Resource{ID: id, Attributes: copyAttrs(attrs)}
	h.store[id] = r
	return h.resource(r), nil
}

// unique refuses a User whose userName (case-insensitive) another user
// (not id) has: 409 uniqueness.
func (h *handler) unique(id string, attrs scim.ResourceAttributes) error {
	if h.kind != "User" {
		return nil
	}
	for other, u := range h.store {
		if other != id && strings.EqualFold(fmt.Sprint(u.Attributes["userName"]), fmt.Sprint(attrs["userName"])) {
			return scimerrors.ScimError{ScimType: scimerrors.ScimTypeUniqueness, Status: http.StatusConflict,
				Detail: fmt.Sprintf("userName %q is already taken.", attrs["userName"])}
		}
	}
	return nil
}

func (h *handler) Get(req *http.Request, id string) (scim.Resource, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	r, ok := h.store[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	return excluded(req, h.resource(r)), nil
}

// excluded drops the attributes the request's excludedAttributes names
// (top-level names only, case-insensitive), as RFC 7644 §3.4.2.5 asks.
func excluded(req *http.Request, r scim.Resource) scim.Resource {
	for _, name := range strings.Split(req.URL.Query().Get("excludedAttributes"), ",") {
		for k := range r.Attributes {
			if strings.EqualFold(k, strings.TrimSpace(name)) {
				delete(r.Attributes, k)
			}
		}
	}
	return r
}

func (h *handler) GetAll(req *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	h.f.lists++
	groups := h.f.userGroups()
	ids := h.f.sortedIDs(h.store)
	if p.FilterValidator != nil {
		var kept []string
		for _, id := range ids {
			if passes(p.FilterValidator, h.resourceWith(h.store[id], groups)) {
				kept = append(kept, id)
			}
		}
		ids = kept
	}
	count := p.Count
	if h.f.o.IgnoreCount > 0 {
		count = h.f.o.IgnoreCount
	}
	if h.f.o.ShortPages > 0 {
		count = min(count, h.f.o.ShortPages)
	}
	start := max(p.StartIndex, 1) - 1
	end := min(start+count, len(ids))
	page := []scim.Resource{}
	for i := start; i < end; i++ {
		page = append(page, excluded(req, h.resourceWith(h.store[ids[i]], groups)))
	}
	total := len(ids)
	if h.f.o.TotalDrift {
		total += h.f.lists
	}
	return scim.Page{TotalResults: total, Resources: page}, nil
}

func (h *handler) Replace(_ *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if _, ok := h.store[id]; !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	h.store[id] = &scim.Resource{ID: id, Attributes: copyAttrs(attrs)}
	return h.resource(h.store[id]), nil
}

func (h *handler) Delete(_ *http.Request, id string) error {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if _, ok := h.store[id]; !ok {
		return scimerrors.ScimErrorResourceNotFound(id)
	}
	delete(h.store, id)
	return nil
}

func (h *handler) Patch(_ *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	r, ok := h.store[id]
	if !ok {
		return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
	}
	attrs := copyAttrs(r.Attributes)
	for _, op := range ops {
		if err := applyPatch(attrs, op); err != nil {
			return scim.Resource{}, err
		}
	}
	if err := h.unique(id, attrs); err != nil {
		return scim.Resource{}, err
	}
	r.Attributes = attrs
	return h.resource(r), nil
}

// applyPatch applies one operation: add/replace of an attribute (members
// appended) or of a sub-attribute (name.givenName), remove of members[value eq "…"] or of an attribute, and a
// replace without a path (a map of attributes).
func applyPatch(a scim.ResourceAttributes, op scim.PatchOperation) error {
	if op.Path == nil {
		vals, ok := op.Value.(map[string]any)
		if !ok {
			return scimerrors.ScimErrorInvalidValue
		}
		for k, v := range vals {
			a[k] = v
		}
		return nil
	}
	name := op.Path.AttributePath.AttributeName
	if sub := op.Path.AttributePath.SubAttribute; sub != nil && op.Path.ValueExpression == nil && op.Op != "remove" {
		parent, _ := a[name].(map[string]any)
		if parent == nil {
			parent = map[string]any{}
		}
		parent[*sub] = op.Value
		a[name] = parent
		return nil
	}
	switch op.Op {
	case "add":
		if name == "members" {
			have := map[string]bool{}
			for _, m := range members(a) {
				have[m] = true
			}
			ms, _ := a["members"].([]any)
			vals, _ := op.Value.([]any)
			for _, v := range vals {
				if mm, ok := v.(map[string]any); ok && !have[fmt.Sprint(mm["value"])] {
					ms = append(ms, mm)
				}
			}
			a["members"] = ms
			return nil
		}
		a[name] = op.Value
	case "replace":
		a[name] = op.Value
	case "remove":
		if op.Path.ValueExpression == nil {
			delete(a, name)
			return nil
		}
		e, ok := op.Path.ValueExpression.(*filter.AttributeExpression)
		if !ok || e.AttributePath.AttributeName != "value" || e.Operator != filter.EQ {
			return scimerrors.ScimErrorInvalidPath
		}
		ms, _ := a[name].([]any)
		var keep []any
		for _, m := range ms {
			if mm, ok := m.(map[string]any); !ok || mm["value"] != e.CompareValue {
				keep = append(keep, m)
			}
		}
		a[name] = keep
	}
	return nil
}

// passes evaluates a filter on a resource. The library's evaluator does not
// reach into multi-valued complex attributes, so `members.value eq "…"`
// (how clients find a user's groups) and `groups.value eq "…"` (a group's
// users) are evaluated here.
func passes(v *scimfilter.Validator, res scim.Resource) bool {
	if e, ok := v.GetFilter().(*filter.AttributeExpression); ok && e.Operator == filter.EQ &&
		(e.AttributePath.AttributeName == "members" || e.AttributePath.AttributeName == "groups") &&
		e.AttributePath.SubAttribute != nil && *e.AttributePath.SubAttribute == "value" {
		refs, _ := res.Attributes[e.AttributePath.AttributeName].([]any)
		for _, m := range refs {
			if mm, ok := m.(map[string]any); ok && mm["value"] == e.CompareValue {
				return true
			}
		}
		return false
	}
	m := map[string]any(copyAttrs(res.Attributes))
	m["id"] = res.ID
	return v.PassesFilter(m) == nil
}
