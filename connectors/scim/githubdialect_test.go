package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
	"github.com/lumosgo/lumos/toolkit"
)

// ghecSpec is GitHub Enterprise Cloud's description, trimmed by
// scripts/trimspec (its SCIM enterprise operations come from ghec.json).
const ghecSpec = "../../testdata/github/ghec.trimmed.json"

// ghEnterprise is the SCIM root of the enterprise "acme" below the fake's URL.
const ghEnterprise = "/scim/v2/enterprises/acme"

// ghSettings are the settings the connector needs to speak GitHub's SCIM.
var ghSettings = map[string]any{
	"dialect":           "github",
	"patch_op_case":     "lower",
	"membership_source": "user_groups",
	"filter_supported":  false,
	"page_size":         2,
}

// ghDiscovery are the endpoints validate_credentials reads that GitHub's
// description does not have: GitHub answers them 404, which the connector
// skips.
var ghDiscovery = map[string]bool{"/ServiceProviderConfig": true, "/ResourceTypes": true, "/Schemas": true}

// loadGHEC loads the trimmed GHEC description, with the PATCH value made
// untyped when relax is set (see relaxPatchValue).
func loadGHEC(t *testing.T, relax bool) (*openapi3.T, routers.Router) {
	t.Helper()
	path, err := filepath.Abs(ghecSpec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil // match the fake's loopback host
	if relax {
		relaxPatchValue(t, doc)
	}
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// relaxPatchValue drops the type of patch-schema's Operations[].value.
// The description types it "string", yet its own examples for the same
// operations send an array of members ("addMembers") and a boolean
// ("disableUser"); TestGitHubDescriptionContradictsItself keeps this honest.
func relaxPatchValue(t *testing.T, doc *openapi3.T) {
	t.Helper()
	value := patchValueSchema(t, doc)
	value.Type = nil
}

func patchValueSchema(t *testing.T, doc *openapi3.T) *openapi3.Schema {
	t.Helper()
	ps := doc.Components.Schemas["patch-schema"]
	if ps == nil || ps.Value == nil {
		t.Fatal("the description lacks components.schemas.patch-schema")
	}
	ops := ps.Value.Properties["Operations"]
	if ops == nil || ops.Value.Items == nil || ops.Value.Items.Value.Properties["value"] == nil {
		t.Fatal("patch-schema has no Operations[].value")
	}
	return ops.Value.Items.Value.Properties["value"].Value
}

// ghExchange is one request the connector sent in GitHub mode, and what
// the description says of it.
type ghExchange struct {
	Method, URI string
	Status      int
	Violations  []string
}

// ghServer puts a scimfake under GitHub's enterprise SCIM paths and checks
// every exchange against the description.
type ghServer struct {
	fake   *scimfake.Fake
	router routers.Router

	mu        sync.Mutex
	exchanges []ghExchange
}

// take returns the exchanges recorded since the last call.
func (g *ghServer) take() []ghExchange {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.exchanges
	g.exchanges = nil
	return out
}

func (g *ghServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	x := ghExchange{Method: r.Method, URI: r.URL.RequestURI()}
	rest, ok := strings.CutPrefix(r.URL.Path, ghEnterprise)
	if !ok {
		http.NotFound(w, r)
		return
	}
	inner := r.Clone(r.Context())
	inner.URL.Path, inner.URL.RawPath = scimfake.Prefix+rest, ""
	inner.RequestURI = ""
	inner.Body = io.NopCloser(bytes.NewReader(body))
	c := httptest.NewRecorder()
	g.fake.ServeHTTP(c, inner)
	x.Status = c.Code
	if c.Code/100 == 2 && c.Body.Len() > 0 {
		b := ghShape(c.Body.Bytes(), "https://"+r.Host+ghEnterprise)
		c.Body.Reset()
		c.Body.Write(b)
		c.Header().Del("Content-Length")
	}
	x.Violations = g.check(r, rest, body, c)

	g.mu.Lock()
	g.exchanges = append(g.exchanges, x)
	g.mu.Unlock()
	for k, vs := range c.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(c.Code)
	_, _ = w.Write(c.Body.Bytes())
}

// ghShape rewrites a scimfake answer in GitHub's shape: GitHub lists only
// the core schema in a User's schemas (no Enterprise User extension) and
// gives every member and group a $ref. Nothing else changes.
func ghShape(body []byte, root string) []byte {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return body
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if ss, ok := x["schemas"].([]any); ok {
				kept := []any{}
				for _, s := range ss {
					if s != "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" {
						kept = append(kept, s)
					}
				}
				x["schemas"] = kept
			}
			for key, kind := range map[string]string{"members": "/Users/", "groups": "/Groups/"} {
				refs, _ := x[key].([]any)
				for _, m := range refs {
					if m, ok := m.(map[string]any); ok {
						m["$ref"] = root + kind + fmt.Sprint(m["value"])
					}
				}
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// check validates the request (method, path, query, body) and a 2xx
// response (status, content type, body) against the description. Error
// responses are not validated: the fake writes RFC 7644 error bodies
// (application/scim+json), GitHub documents its 404 as basic-error JSON.
func (g *ghServer) check(r *http.Request, rest string, body []byte, c *httptest.ResponseRecorder) []string {
	vreq := r.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := g.router.FindRoute(vreq)
	if err != nil {
		if ghDiscovery[rest] && c.Code == http.StatusNotFound {
			return nil
		}
		return []string{fmt.Sprintf("not in the description: %v", err)}
	}
	var out []string
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		out = append(out, "request: "+err.Error())
	}
	if c.Code/100 == 2 {
		rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: c.Code, Header: c.Header(), Options: opts}
		rin.SetBodyBytes(c.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
			out = append(out, "response: "+err.Error())
		}
	}
	return out
}

// newGHTarget starts the GitHub-shaped fake and returns it with a target
// whose base URL is the enterprise's SCIM root.
func newGHTarget(t *testing.T, settings map[string]any) (*ghServer, scimsuite.Target) {
	t.Helper()
	_, router := loadGHEC(t, true)
	g := &ghServer{fake: scimfake.New(scimfake.Options{Token: token, NoDiscovery: true}), router: router}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, scimsuite.Target{BaseURL: srv.URL + ghEnterprise, Token: token, Settings: settings, Prefix: "gh-"}
}

// ghUser is a user in the shape GitHub's description requires of one.
func ghUser(name string, active bool) map[string]any {
	return map[string]any{
		"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": name, "externalId": "ext-" + name,
		"displayName": name, "active": active, "name": map[string]any{"givenName": name, "familyName": "Octo"},
		"emails": []any{map[string]any{"value": name + "@example.com", "type": "work", "primary": true}},
	}
}

// TestGitHubDialect runs every capability of the connector in its GitHub
// mode and checks each request it sends, and each 2xx answer, against the
// SCIM enterprise operations of GitHub Enterprise Cloud's description.
func TestGitHubDialect(t *testing.T) {
	g, tg := newGHTarget(t, ghSettings)
	mona := g.fake.AddUser(ghUser("mona", true))
	hubot := g.fake.AddUser(ghUser("hubot", false))
	g.fake.AddUser(ghUser("octo", true))
	eng := g.fake.AddGroup("eng", mona)
	g.fake.AddGroup("ops")
	grant := func(acc string) map[string]any {
		return map[string]any{"account_integration_specific_id": acc, "resource_integration_specific_id": "", "resource_type": "tenant",
			"entitlement_type": "group_member", "entitlement_integration_specific_id": eng}
	}
	page := &toolkit.Page{Size: 2}
	steps := []struct {
		capName string
		request any
		page    *toolkit.Page
		effect  toolkit.EffectKind // "" for reads
	}{
		{"validate_credentials", map[string]any{}, nil, ""},
		{"list_accounts", map[string]any{}, page, ""},
		{"get_account", map[string]any{"account_id": mona}, nil, ""},
		{"list_resources", map[string]any{}, nil, ""},
		{"list_entitlements", map[string]any{}, page, ""},
		{"find_entitlement_associations", map[string]any{}, page, ""},
		{"get_account_entitlement_associations", map[string]any{"account_id": mona}, nil, ""},
		{"assign_entitlement", grant(hubot), nil, toolkit.EffectCreated},
		{"assign_entitlement", grant(hubot), nil, toolkit.EffectNoop},
		{"unassign_entitlement", grant(hubot), nil, toolkit.EffectDeleted},
		{"unassign_entitlement", grant(hubot), nil, toolkit.EffectNoop},
		{"activate_account", map[string]any{"account_id": hubot}, nil, toolkit.EffectUpdated},
		{"deactivate_account", map[string]any{"account_id": hubot}, nil, toolkit.EffectUpdated},
		{"delete_account", map[string]any{"account_id": hubot}, nil, toolkit.EffectDeleted},
		{"delete_account", map[string]any{"account_id": hubot}, nil, toolkit.EffectNoop},
		{"create_account", map[string]any{"username": "lisa", "email": "lisa@example.com", "given_name": "Lisa", "family_name": "Octo", "entitlements": []any{}}, nil, toolkit.EffectCreated},
	}
	for _, s := range steps {
		t.Run(s.capName, func(t *testing.T) {
			is := is.New(t)
			env := tg.OK(t, s.capName, s.request, s.page)
			if s.effect != "" {
				is.Equal(scimsuite.Effect(t, env), s.effect)
			}
			sent := g.take()
			is.Equal(len(sent) > 0, s.capName != "list_resources") // every capability but the static tenant reached the server
			for _, x := range sent {
				for _, v := range x.Violations {
					t.Errorf("%s %s -> %d: %s", x.Method, x.URI, x.Status, v)
				}
			}
		})
	}
}

// TestGitHubDialectRejections: settings that do not speak GitHub's SCIM
// send requests the description rejects, and the check names them.
func TestGitHubDialectRejections(t *testing.T) {
	with := func(k string, v any) map[string]any {
		s := map[string]any{}
		for key, val := range ghSettings {
			s[key] = val
		}
		s[k] = v
		return s
	}
	cases := []struct {
		name     string
		settings map[string]any
		capName  string
		want     string // in a violation of the write request
	}{
		{"capitalized_ops", with("patch_op_case", "capitalized"), "deactivate_account", `"Replace"`},
		{"rfc_create_lacks_external_id", with("dialect", "rfc"), "create_account", `"externalId" is missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			g, tg := newGHTarget(t, c.settings)
			id := g.fake.AddUser(ghUser("mona", true))
			request := map[string]any{"account_id": id}
			if c.capName == "create_account" {
				request = map[string]any{"username": "lisa", "email": "lisa@example.com", "entitlements": []any{}}
			}
			tg.OK(t, c.capName, request, nil) // the fake is lenient; the description is not
			var found []string
			for _, x := range g.take() {
				for _, v := range x.Violations {
					if strings.Contains(v, c.want) {
						found = append(found, v)
					}
				}
			}
			is.Equal(len(found), 1) // exactly the write is rejected
		})
	}
}

// TestGitHubDescriptionContradictsItself: the description types PATCH's
// Operations[].value as a string while its own examples for the Groups and
// Users PATCH operations send an array of members and a boolean. This is
// why the test relaxes that one type; when GitHub fixes the description,
// this test fails and the relaxation can go.
func TestGitHubDescriptionContradictsItself(t *testing.T) {
	is := is.New(t)
	doc, _ := loadGHEC(t, false)
	value := patchValueSchema(t, doc)
	for _, c := range []struct {
		path, example string
	}{
		{"/scim/v2/enterprises/{enterprise}/Groups/{scim_group_id}", "addMembers"},
		{"/scim/v2/enterprises/{enterprise}/Users/{scim_user_id}", "disableUser"},
	} {
		op := doc.Paths.Find(c.path).Patch
		ex := op.RequestBody.Value.Content.Get("application/json").Examples[c.example]
		is.True(ex != nil && ex.Value != nil) // the example exists
		ops := ex.Value.Value.(map[string]any)["Operations"].([]any)
		v := ops[0].(map[string]any)["value"]
		is.True(value.VisitJSON(v) != nil) // the description's own example breaks its schema
	}
}
