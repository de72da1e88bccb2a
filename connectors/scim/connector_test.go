package scim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/scim"
	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

type (
	account     = scimsuite.Account
	association = scimsuite.Association
)

// seed stores n users (user0…) and groups g0…g(groups-1), user i a member
// of group i%groups; it returns the user ids.
func seed(f *scimfake.Fake, n, groups int) []string {
	ids := make([]string, n)
	for i := range n {
		ids[i] = f.AddUser(map[string]any{"userName": fmt.Sprintf("user%d", i)})
	}
	for g := range groups {
		var ms []string
		for i := g; i < n; i += groups {
			ms = append(ms, ids[i])
		}
		f.AddGroup(fmt.Sprintf("g%d", g), ms...)
	}
	return ids
}

// TestPaging drains listings at several Lumos and upstream page sizes
// against servers that honour count, ignore it, return short pages or
// report a growing totalResults: every listing returns each item exactly
// once, in order, and ends.
func TestPaging(t *testing.T) {
	cases := []struct {
		name       string
		o          scimfake.Options
		membership string
	}{
		{"honest", scimfake.Options{}, ""},
		{"ignores_count", scimfake.Options{IgnoreCount: 7}, ""},
		{"short_pages", scimfake.Options{ShortPages: 3}, ""},
		{"total_drifts", scimfake.Options{TotalDrift: true}, ""},
		{"small_max_results", scimfake.Options{MaxResults: 4}, ""},
		{"users_by_group", scimfake.Options{}, "users_by_group"},
		{"users_by_group_short_pages", scimfake.Options{ShortPages: 3}, "users_by_group"},
		{"users_by_group_total_drifts", scimfake.Options{TotalDrift: true}, "users_by_group"},
	}
	for _, c := range cases {
		for _, size := range []int{1, 3, 10, 100} {
			for _, upstream := range []int{2, 5, 100} {
				t.Run(fmt.Sprintf("%s/size%d/count%d", c.name, size, upstream), func(t *testing.T) {
					is := is.New(t)
					settings := map[string]any{"page_size": upstream}
					if c.membership != "" {
						settings["membership_source"] = c.membership
					}
					f, tg := newTarget(t, c.o, settings)
					ids := seed(f, 23, 4)
					accs, _ := scimsuite.Drain[account](t, tg, "list_accounts", size)
					got := make([]string, len(accs))
					for i, a := range accs {
						got[i] = a.ID
					}
					is.Equal(strings.Join(got, ","), strings.Join(ids, ",")) // every user once, in order
					as, _ := scimsuite.Drain[association](t, tg, "find_entitlement_associations", size)
					is.Equal(len(as), 23) // every membership once
					ents, _ := scimsuite.Drain[map[string]any](t, tg, "list_entitlements", size)
					is.Equal(len(ents), 4)
				})
			}
		}
	}
}

// TestPagingRequests checks the upstream cost of a drain: one request per
// page_size users, startIndex 1-based and advancing by what was returned.
func TestPagingRequests(t *testing.T) {
	is := is.New(t)
	f, tg := newTarget(t, scimfake.Options{}, map[string]any{"page_size": 10})
	seed(f, 25, 1)
	f.Requests(true)
	_, calls := scimsuite.Drain[account](t, tg, "list_accounts", 100)
	is.Equal(calls, 1)
	var uris []string
	for _, r := range f.Requests(true) {
		uris = append(uris, r.URI)
	}
	is.Equal(uris, []string{
		"/scim/v2/Users?count=10&startIndex=1",
		"/scim/v2/Users?count=10&startIndex=11",
		"/scim/v2/Users?count=10&startIndex=21",
	})
}

// TestEmptyPageEnds: a server that always claims more (totalResults far
// above what it has) ends at its first empty page.
func TestEmptyPageEnds(t *testing.T) {
	is := is.New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := r.URL.Query().Get("startIndex")
		res := `[]`
		if start == "1" {
			res = `[{"id":"a","userName":"a"},{"id":"b","userName":"b"}]`
		}
		fmt.Fprintf(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1000000,"Resources":%s}`, res)
	}))
	defer srv.Close()
	tg := scimsuite.Target{BaseURL: srv.URL, Token: token}
	accs, calls := scimsuite.Drain[account](t, tg, "list_accounts", 1)
	is.Equal(len(accs), 2)
	is.True(calls <= 3)
}

// TestAccountMapping checks the fields of an account: active → status,
// the primary email first, name, Enterprise User extension in extra_data.
func TestAccountMapping(t *testing.T) {
	is := is.New(t)
	f, tg := newTarget(t, scimfake.Options{}, nil)
	boss := f.AddUser(map[string]any{"userName": "boss"})
	id := f.AddUser(map[string]any{
		"userName": "ada", "active": false, "displayName": "Ada L", "title": "Engineer",
		"name":   map[string]any{"givenName": "Ada", "familyName": "Lovelace"},
		"emails": []any{map[string]any{"value": "home@example.com", "type": "home"}, map[string]any{"value": "work@example.com", "type": "work", "primary": true}},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{
			"department": "R&D", "employeeNumber": "42", "manager": map[string]any{"value": boss, "displayName": "Boss"}},
	})
	var a account
	is.NoErr(json.Unmarshal(tg.OK(t, "get_account", map[string]any{"account_id": id}, nil).Response, &a))
	is.Equal(a.Username, "ada")
	is.Equal(a.UserStatus, "SUSPENDED")
	is.Equal(a.Email, "work@example.com")
	is.Equal(a.GivenName, "Ada")
	is.Equal(a.FamilyName, "Lovelace")
	is.Equal(a.ExtraData["department"], "R&D")
	is.Equal(a.ExtraData["employee_number"], "42")
	is.Equal(a.ExtraData["manager_id"], boss)
	is.Equal(a.ExtraData["title"], "Engineer")
	is.Equal(a.ExtraData["emails"], []any{"work@example.com", "home@example.com"})
}

// TestDialect checks what the connector sends in each dialect.
func TestDialect(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]any
		wantOp   string
		filter   bool
	}{
		{"lower", nil, `"op":"add"`, true},
		{"capitalized", map[string]any{"patch_op_case": "capitalized"}, `"op":"Add"`, true},
		{"no_filter", map[string]any{"filter_supported": false}, `"op":"add"`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			f, tg := newTarget(t, scimfake.Options{}, c.settings)
			u := f.AddUser(map[string]any{"userName": "u"})
			g := f.AddGroup("g")
			tg.OK(t, "assign_entitlement", map[string]any{"account_integration_specific_id": u, "resource_integration_specific_id": "",
				"resource_type": scim.ResourceTypeTenant, "entitlement_type": scim.EntitlementTypeGroupMember, "entitlement_integration_specific_id": g}, nil)
			is.Equal(f.Members(g), []string{u})
			tg.OK(t, "get_account_entitlement_associations", map[string]any{"account_id": u}, nil)
			patched, filtered := false, false
			for _, r := range f.Requests(false) {
				if r.Method == http.MethodPatch {
					patched = strings.Contains(r.Body, c.wantOp) && strings.Contains(r.Body, "urn:ietf:params:scim:api:messages:2.0:PatchOp")
				}
				filtered = filtered || strings.Contains(r.URI, "filter=")
			}
			is.True(patched)
			is.Equal(filtered, c.filter)
		})
	}
}

// TestErrors maps SCIM error answers to error codes with the server's detail.
func TestErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		code   toolkit.ErrorCode
		want   string
	}{
		{"uniqueness", 409, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName ada is taken"}`, "bad_request", "userName ada is taken"},
		{"unauthorized", 401, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"token expired"}`, "unauthorized", "token expired"},
		{"forbidden", 403, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":403,"detail":"scope missing"}`, "permission_denied", "scope missing"},
		{"not_found", 404, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Resource x not found"}`, "not_found", "Resource x not found"},
		{"bad_request", 400, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"bad email"}`, "bad_request", "invalidValue: bad email"},
		{"no_body", 403, ``, "permission_denied", "403 Forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/scim+json")
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			tg := scimsuite.Target{BaseURL: srv.URL, Token: token}
			tg.Fail(t, "create_account", map[string]any{"username": "ada", "entitlements": []any{}}, c.code, c.want)
		})
	}
}

// TestAuth: bearer and basic credentials reach the server; wrong ones are
// unauthorized; the tenant id is the lower-cased base URL.
func TestAuth(t *testing.T) {
	f := scimfake.New(scimfake.Options{Token: token, BasicUser: "svc", BasicPassword: "pw"})
	base, stop := f.Start()
	defer stop()
	cases := []struct {
		name  string
		creds any
		code  toolkit.ErrorCode
	}{
		{"token", []any{map[string]any{"id": "token", "token": map[string]any{"token": token}}}, ""},
		{"basic", []any{map[string]any{"id": "basic", "basic": map[string]any{"username": "svc", "password": "pw"}}}, ""},
		{"wrong_token", []any{map[string]any{"id": "token", "token": map[string]any{"token": "nope"}}}, "unauthorized"},
		{"wrong_password", []any{map[string]any{"id": "basic", "basic": map[string]any{"username": "svc", "password": "x"}}}, "unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			doc, _ := json.Marshal(map[string]any{"credentials": c.creds, "request": map[string]any{},
				"settings": map[string]any{"base_url": strings.Replace(base, "http://", "HTTP://", 1) + "/"}})
			var env scimsuite.Envelope
			is.NoErr(json.Unmarshal(scim.Integration().Dispatch(t.Context(), "validate_credentials", doc), &env))
			is.Equal(env.Error.ErrorCode, c.code)
			if c.code == "" {
				is.Equal(string(env.Response), fmt.Sprintf(`{"valid":true,"unique_tenant_id":%q}`, strings.ToLower(base)))
			}
		})
	}
}

// TestConformance runs the toolkit's conformance suite against the fake.
// The settings carry token_url: app_info describes the OAuth credential's
// token endpoint, and an OpenAPI clientCredentials flow needs one.
func TestConformance(t *testing.T) {
	f, tg := newTarget(t, scimfake.Options{}, nil)
	seed(f, 30, 5)
	f.AddGroup("empty")
	connectortest.Conformance(t, scim.Integration(), connectortest.Options{
		Request: map[string]any{"credentials": []any{map[string]any{"id": "token", "token": map[string]any{"token": token}}},
			"settings": map[string]any{"base_url": tg.BaseURL, "token_url": "https://idp.example/oauth/token"}},
		AllowWrites: true,
		PageSize:    7,
	})
}

// TestValidate checks discovery: missing endpoints are skipped, settings
// the server says it cannot serve are refused.
func TestValidate(t *testing.T) {
	cases := []struct {
		name     string
		o        scimfake.Options
		settings map[string]any
		code     toolkit.ErrorCode
		want     string
	}{
		{"defaults", scimfake.Options{}, nil, "", ""},
		{"no_discovery", scimfake.Options{NoDiscovery: true}, nil, "", ""},
		{"unknown_users_path", scimfake.Options{}, map[string]any{"users_path": "/People"}, "bad_request", "/People"},
		{"filter_unsupported", scimfake.Options{NoFilter: true}, nil, "bad_request", "filter_supported"},
		{"filter_off", scimfake.Options{NoFilter: true}, map[string]any{"filter_supported": false}, "", ""},
		{"users_by_group_without_filter", scimfake.Options{NoFilter: true}, map[string]any{"filter_supported": false, "membership_source": "users_by_group"}, "bad_request", "users_by_group"},
		{"bad_base_url", scimfake.Options{}, map[string]any{"base_url": "ftp://x/scim?x=1"}, "bad_request", "base_url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, tg := newTarget(t, c.o, c.settings)
			if c.code == "" {
				tg.OK(t, "validate_credentials", map[string]any{}, nil)
				return
			}
			tg.Fail(t, "validate_credentials", map[string]any{}, c.code, c.want)
		})
	}
}
